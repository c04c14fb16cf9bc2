"""The applicant portal for objections: my cases, one case (step, due date, pauses, letters), filing, material.

Plain Django pages over the same selectors, services and Output serializers as the API, so a page shows a reader
exactly what the API shows them (a party: its own filing only); staff who may see a case can open it too.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.casework.models import Channel
from apps.casework.services import upload_check
from apps.commitments.models import CommitmentType
from apps.commitments.services import text_version_in_force
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.core.inputs import InputError, parse_id
from apps.subjects.selectors import records_visible_to, subjects_represented_by

from .api import ObjectionRowOutput, objection_output
from .forms import MaterialForm, ObjectionFileForm
from .models import Objection
from .selectors import (
    ANSWER,
    access_objection_by_id,
    access_record_for_objection,
    objection_list,
    objection_rows_for,
    objection_view_for,
    objection_view_of,
    open_objection_for_record,
)
from .services import objection_file, objection_material_submit


def _form_errors(form, error: ApplicationError) -> None:
    """Put a service's refusal on the form: on the field it names, else on the form."""
    placed = False
    for name, problems in (error.fields or {}).items():
        if name in form.fields:
            for problem in problems if isinstance(problems, list) else [problems]:
                form.add_error(name, str(problem))
            placed = True
    if not placed:
        form.add_error(None, error.detail)


@login_required
def objection_list_page(request):
    rows = objection_rows_for(user=request.user, objections=objection_list(user=request.user)[:100])
    cases = ObjectionRowOutput(rows, many=True).data
    subjects = list(subjects_represented_by(user=request.user))
    records = (
        records_visible_to(user=request.user)
        .filter(subject__in=subjects)
        .select_related("subject", "department")
        .order_by("subject__uscc", "-decision_date")
    )
    return render(request, "objections/list.html", {"cases": cases, "records": records})


@login_required
def objection_detail_page(request, objection_id: int):
    try:
        view = objection_view_for(user=request.user, objection_id=objection_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    case = objection_output(view)
    can_answer = view.case.status == Objection.Status.AWAITING_MATERIAL and _may_answer(request.user, view.case)
    return render(
        request,
        "objections/detail.html",
        {"case": case, "material_form": MaterialForm() if can_answer else None},
    )


def _may_answer(user, objection: Objection) -> bool:
    try:
        access_objection_by_id(user=user, objection_id=objection.pk, perm=ANSWER)
    except ObjectDoesNotExist:
        return False
    return True


@login_required
def objection_file_page(request):
    """File an objection online on a record (?record=<id>): the record is marked 异议处理中 as the form is saved."""
    try:
        record_id = parse_id(request.GET.get("record") or request.POST.get("record") or "", field="record")
        record = access_record_for_objection(user=request.user, record_id=record_id)
    except (ObjectDoesNotExist, InputError) as exc:
        raise Http404 from exc
    counter = request.user.has_perm("subjects.file_on_behalf")
    # a counter clerk enters the walk-in subject's objection (offline channel); an applicant files for their subjects
    subjects = [record.subject] if counter else list(subjects_represented_by(user=request.user))
    open_case = open_objection_for_record(record=record)
    commitment_text = text_version_in_force(type=CommitmentType.OBJECTION_APPEAL, on=clock.today())
    form = ObjectionFileForm(
        request.POST or None,
        request.FILES or None,
        subjects=subjects,
        initial={"record": record.pk, "subject": record.subject.uscc},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = next(s for s in subjects if s.uscc == data["subject"])
        try:
            evidence = [upload_check(f, field="files") for f in data["files"]]
            with transaction.atomic():
                filing = objection_file(
                    record=record,
                    subject=subject,
                    ground=data["ground"],
                    statement=data["statement"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    commitment_signer_name=data["commitment_signer_name"],
                    commitment_signer_capacity=data["commitment_signer_capacity"],
                    channel=Channel.COUNTER if counter else Channel.ONLINE,
                    evidence=evidence,
                    acting_user=request.user,
                )
        except ApplicationError as error:
            _form_errors(form, error)
            if "open_case" in error.extra:
                messages.error(request, error.detail)
                return redirect("objections:detail", objection_id=error.extra["open_case"]["id"])
        else:
            if filing.joined:
                messages.info(
                    request,
                    _("该信息已有处理中的异议，您的异议已合并到案件 %(ref)s 处理。")
                    % {"ref": filing.objection.reference},
                )
            else:
                messages.success(request, _("异议已提交，该信息已标注为“异议处理中”。"))
            return redirect("objections:detail", objection_id=filing.objection.pk)
    return render(
        request,
        "objections/file.html",
        {
            "form": form,
            "record": record,
            "open_case": open_case,
            "commitment_text": commitment_text,
            "subjects": subjects,
        },
    )


@login_required
def objection_material_page(request, objection_id: int):
    try:
        objection = access_objection_by_id(user=request.user, objection_id=objection_id, perm=ANSWER)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            files = [upload_check(f, field="files") for f in form.cleaned_data["files"]]
            objection_material_submit(
                objection=objection, answer=form.cleaned_data["answer"], files=files, acting_user=request.user
            )
        except ApplicationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("补充材料已提交，办理时限恢复计算。"))
            return redirect("objections:detail", objection_id=objection.pk)
    case = objection_output(objection_view_of(objection, user=request.user))
    return render(request, "objections/detail.html", {"case": case, "material_form": form})
