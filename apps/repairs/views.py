"""The applicant portal for repair cases (plain Django templates) and the departments' sanction-lift page."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from guardian.shortcuts import get_objects_for_user
from rest_framework.exceptions import ValidationError as DrfValidationError

from apps.accounts.requests import AuthenticatedHttpRequest
from apps.casework.models import Channel
from apps.casework.services import upload_check
from apps.commitments.models import CommitmentType
from apps.commitments.selectors import text_versions_in_force
from apps.core import clock
from apps.core.context_processors import may_file_repairs
from apps.core.errors import ApplicationError
from apps.core.exports import export_links
from apps.core.idempotency import idempotent_submit
from apps.letters.selectors import letter_file
from apps.repairs.api import RepairRowOutput, repair_output
from apps.repairs.eligibility import record_filing_blocks
from apps.repairs.filing import file_repair_from_request
from apps.repairs.models import RepairCase, RepairKind, SanctionLift
from apps.repairs.selectors import (
    access_repaircase_by_id,
    access_sanctionlift_by_id,
    can_answer_supplement,
    case_summary,
    counter_filings_of,
    lifts_visible_to,
    repair_view_for,
    repairs_visible_to,
)
from apps.repairs.services import repair_counter_receipt, repair_supplement_answer, sanction_lift_confirm
from apps.subjects.filters import SubjectFilter
from apps.subjects.models import NegativeRecord, Subject
from apps.subjects.selectors import records_visible_to, subject_list


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ApplicationError):
        text = exc.detail
        fields = "；".join(
            f"{k}: {'、'.join(map(str, v)) if isinstance(v, list) else v}" for k, v in exc.fields.items()
        )
        return f"{text}（{fields}）" if fields else text
    if isinstance(exc, DrfValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            return "；".join(f"{k}: {'、'.join(map(str, v)) if isinstance(v, list) else v}" for k, v in detail.items())
        return "；".join(map(str, detail))
    return str(exc)


def _case_or_404(request: AuthenticatedHttpRequest, case_id: int) -> RepairCase:
    try:
        return access_repaircase_by_id(user=request.user, case_id=case_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@login_required
def portal_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    cases = repairs_visible_to(user=request.user).order_by("-filed_at", "-id")[:200]
    rows = RepairRowOutput([case_summary(case) for case in cases], many=True).data  # what the API list shows
    context = {"cases": rows, "today": clock.today(), "export_links": export_links(reverse("api-repairs"), {})}
    return render(request, "repairs/portal_index.html", context)


def _candidate_records(request: AuthenticatedHttpRequest, uscc: str):
    """Published records the user may apply for: of the subjects they represent, or (a counter clerk) of the
    subject whose code they entered."""
    user = request.user
    visible = records_visible_to(user=user).filter(publication_status=NegativeRecord.PublicationStatus.PUBLISHED)
    own = get_objects_for_user(
        user, "subjects.act_for_subject", klass=Subject, accept_global_perms=False, with_superuser=False
    )
    condition = Q(subject__in=own.values("pk"))
    if uscc and user.has_perm("subjects.file_on_behalf"):
        condition |= Q(subject__uscc=uscc.strip().upper())
    return visible.filter(condition).select_related("subject", "department").order_by("subject__name", "-decision_date")


def _field_errors(exc: Exception) -> dict[str, list[str]]:
    """The refusal's messages per form field, to show next to the field."""
    if isinstance(exc, ApplicationError):
        raw = exc.fields
    elif isinstance(exc, DrfValidationError) and isinstance(exc.detail, dict):
        raw = exc.detail
    else:
        return {}
    return {str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in raw.items()}


def _record_rows(records, *, kind: str, on, ticked: set[str], refused: dict[int, str]) -> list[dict]:
    """One row per record with its earliest repair date and, when it cannot be filed now, why (the repairs rules)."""
    records = list(records)
    blocks = record_filing_blocks(records=records, kind=kind, on=on)
    rows = []
    for record in records:
        block = blocks.get(record.pk)
        rows.append(
            {
                "record": record,
                "blocked": block is not None,
                "reason": block.detail if block else "",
                "earliest": (block.earliest if block and block.earliest else record.repair_earliest),
                "ticked": str(record.pk) in ticked and block is None,
                "error": refused.get(record.pk, ""),
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def portal_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    uscc = request.GET.get("uscc", "") or request.POST.get("uscc", "")
    today = clock.today()
    if not may_file_repairs(request.user):
        raise PermissionDenied
    kind = request.POST.get("kind", "") if request.POST.get("kind") in RepairKind.values else RepairKind.values[0]
    context: dict[str, Any] = {
        "uscc": uscc,
        "kinds": RepairKind.choices,
        "kind": kind,
        "texts": text_versions_in_force(on=today, type=CommitmentType.CREDIT_REPAIR),
        "submission_key": request.POST.get("submission_key") or uuid.uuid4().hex,
        "is_clerk": request.user.has_perm("subjects.file_on_behalf"),
        "posted": request.POST,
        "field_errors": {},
    }
    candidates = _candidate_records(request, uscc)
    ticked = set(request.POST.getlist("records"))
    if request.method == "POST":
        data = request.POST.copy()
        for name in request.FILES:
            data.setlist(name, request.FILES.getlist(name))  # type: ignore[arg-type]  # the API's parser reads files here too

        def submit() -> tuple[int, dict]:
            case = file_repair_from_request(user=request.user, data=data)
            return 201, {"id": case.pk, "reference": case.reference}

        try:
            _status, body, _replayed = idempotent_submit(
                user=request.user,
                key=context["submission_key"],
                scope="repairs.portal_file",
                data=data,
                submit=submit,
            )
        except (ApplicationError, DrfValidationError) as exc:
            extra = getattr(exc, "extra", {})
            refused = {r["record"]: r["detail"] for r in extra.get("reasons", []) if r.get("record")}
            context["error"] = exc.detail if isinstance(exc, ApplicationError) else _("申请未能提交，请按提示修改。")
            context["field_errors"] = _field_errors(exc)
            context["earliest_filing_date"] = extra.get("earliest_filing_date")
            context["files_dropped"] = bool(request.FILES)
            context["records"] = _record_rows(candidates, kind=kind, on=today, ticked=ticked, refused=refused)
            return render(request, "repairs/portal_new.html", context, status=400)
        messages.success(request, _("申请已提交，案件编号 %(ref)s。") % {"ref": body["reference"]})
        return redirect("repairs-portal-detail", case_id=body["id"])
    context["records"] = _record_rows(candidates, kind=kind, on=today, ticked=ticked, refused={})
    return render(request, "repairs/portal_new.html", context)


@login_required
def portal_detail(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """The case as the API shows the reader (the applicant: its filing, clocks, 补正, decision, letters)."""
    try:
        view = repair_view_for(user=request.user, case_id=case_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    case = view.case
    can_answer = case.status == RepairCase.Status.SUPPLEMENT and can_answer_supplement(user=request.user, case=case)
    detail = repair_output(view)
    detail["pauses"] = _once(detail.get("pauses", []), ("started_at", "ended_at", "reason"))
    detail["history"] = _once(detail.get("history", []), ("at", "label", "actor"))
    is_counter_clerk = case.channel == Channel.COUNTER and request.user.has_perm("subjects.file_on_behalf")
    return render(
        request,
        "repairs/portal_detail.html",
        {"detail": detail, "can_answer": can_answer, "receipt": is_counter_clerk},
    )


def _once(lines: list, keys: tuple[str, ...]) -> list:
    """Lines in their order, each told once: the clocks of one case (answer, step) pause and resume together, and a
    reader needs one line for it, not one per clock. Times compare to the minute, as the page shows them."""
    seen, kept = set(), []
    for line in lines:
        key = tuple(str(line.get(k) or "")[:16] for k in keys)
        if key not in seen:
            seen.add(key)
            kept.append(line)
    return kept


@login_required
@require_POST
def portal_supplement(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request, case_id)
    try:
        uploads = [upload_check(f, field="files") for f in request.FILES.getlist("files")]
        repair_supplement_answer(
            case=case, uploads=uploads, note=request.POST.get("note", ""), acting_user=request.user
        )
    except ApplicationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("补正材料已提交，办理时限自即日起恢复计算。"))
    return redirect("repairs-portal-detail", case_id=case.pk)


def _clerk_only(request: AuthenticatedHttpRequest) -> None:
    if not request.user.has_perm("subjects.file_on_behalf"):
        raise PermissionDenied


@login_required
def counter_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The counter: find the walk-in enterprise by name or code, then file for it."""
    _clerk_only(request)
    query = request.GET.get("q", "").strip()[:100]
    subjects = SubjectFilter({"search": query}, queryset=subject_list(user=request.user)).qs[:50] if query else []
    return render(request, "repairs/counter.html", {"query": query, "subjects": subjects})


@login_required
def counter_filings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The clerk's counter filings, each with its receipt."""
    _clerk_only(request)
    cases = counter_filings_of(user=request.user).select_related("subject", "department")[:200]
    rows = RepairRowOutput([case_summary(case) for case in cases], many=True).data
    return render(request, "repairs/counter_filings.html", {"cases": rows})


@login_required
def counter_receipt_page(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponseBase:
    """The 受理回执 of a counter filing as a PDF (issued on first request; the same letter afterwards)."""
    _clerk_only(request)
    case = _case_or_404(request, case_id)
    try:
        letter = repair_counter_receipt(case=case, acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("repairs-portal-detail", case_id=case.pk)
    letter.refresh_from_db()  # rendered after the commit (in-process in embedded mode, by a worker otherwise)
    if letter.status != letter.Status.RENDERED:
        messages.info(request, _("受理回执正在生成，请稍后刷新本页下载。"))
        return redirect("repairs-portal-detail", case_id=case.pk)
    # the case's access decided (the clerk who entered it); the file is checked against its SHA-256
    stored = letter_file(letter=letter)
    response = FileResponse(
        stored.path.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{letter.code}-{letter.verification_code}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def lifts_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Departments confirm here that they lifted their sanctions (the per-department execution tasks)."""
    if not request.user.has_perm("casework.use_workbench"):
        raise PermissionDenied
    lifts = lifts_visible_to(user=request.user).order_by("status", "due_date", "id")[:200]
    return render(request, "repairs/lifts.html", {"lifts": lifts, "pending": SanctionLift.Status.PENDING})


@login_required
@require_POST
def lift_confirm(request: AuthenticatedHttpRequest, lift_id: int) -> HttpResponse:
    try:
        lift = access_sanctionlift_by_id(user=request.user, lift_id=lift_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    try:
        sanction_lift_confirm(lift=lift, acting_user=request.user, note=request.POST.get("note", ""))
    except ApplicationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已确认解除惩戒措施。"))
    return redirect("repairs-lifts")
