"""Plain pages of the workbench that are not a Viewflow view."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from apps.casework.cases import case_open_tasks
from apps.casework.models import Document
from apps.casework.selectors import (
    access_document_by_id,
    case_access,
    case_audience,
    case_documents,
    case_summary_rows,
    notices_visible_to,
)
from apps.core.exports import export_links


def notices(request):
    """Due-soon notices and breach escalations the user may see (monitors: all departments)."""
    if not request.user.has_perm("casework.use_workbench"):
        raise PermissionDenied
    context = {
        "notices": notices_visible_to(user=request.user)[:200],
        "export_links": export_links(reverse("api-notices"), {}),
    }
    return render(request, "casework/notices.html", context)


def breaches(request):
    """The breach list of the caller's scope (科室负责人: own department; the credit office: all) by state, with a
    bulk reassignment of the selected open steps. The rows and the reassignment are the API's (selectors, service)."""
    from django.contrib import messages
    from django.http import HttpResponseRedirect
    from django.utils.translation import gettext as _

    from apps.accounts.models import Role, User
    from apps.casework.selectors import BOARD_STATES, board_deadlines, breach_rows, sla_board_department
    from apps.casework.services import task_reassign
    from apps.core.errors import ApplicationError

    department = sla_board_department(user=request.user, department_code=request.GET.get("department"))
    state = request.GET.get("state") or "breached"
    if state not in BOARD_STATES[:5]:
        state = "breached"
    status = 200
    if request.method == "POST":
        try:
            ids = [int(v) for v in request.POST.getlist("tasks")]
        except ValueError:
            ids = []
        try:
            changed = task_reassign(
                task_ids=ids, owner_username=request.POST.get("owner", ""), acting_user=request.user
            )
        except ApplicationError as exc:
            messages.error(request, exc.detail)
            status = 400
        else:
            messages.success(request, _("已改派 %(n)d 个任务。") % {"n": len(changed)})
            return HttpResponseRedirect(request.get_full_path())
    deadlines = list(board_deadlines(user=request.user, department=department, state=state)[:200])
    officers = User.objects.filter(role__in=[Role.OFFICER, Role.REVIEWER], is_active=True).select_related("department")
    if department is not None:
        officers = officers.filter(department=department)
    context = {
        "rows": breach_rows(deadlines),
        "state": state,
        "states": [
            ("breached", _("已超期")),
            ("due_soon", _("临期")),
            ("due_today", _("今日到期")),
            ("due_tomorrow", _("明日到期")),
            ("paused", _("已暂停")),
        ],
        "department": department,
        "officers": officers.order_by("department__code", "username"),
        "export_links": export_links(
            reverse("api-breaches"), {"state": state, "department": department.code if department else None}
        ),
    }
    return render(request, "casework/breaches.html", context, status=status)


def case_page(request, case_type: str, case_id: int):
    """One case as the handling department and the credit office read it: its summary, its current steps and every
    uploaded material viewable on the page (PDF in a frame, images as images). Another department's case, or a
    party's, is a 404 as on the API."""
    if not request.user.has_perm("casework.use_workbench"):
        raise PermissionDenied
    try:
        case = case_access(user=request.user, case_type=case_type, case_id=case_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    if not case_audience(user=request.user, case=case).internal:
        raise Http404
    tasks = [
        (task, task.flow_task.reverse("index", args=[task.process_id, task.pk])) for task in case_open_tasks(case=case)
    ]
    return render(
        request,
        "casework/case.html",
        {
            "case": case,
            "summary": case_summary_rows(case=case),
            "documents": case_documents(case=case),
            "tasks": tasks,
            "pdf": Document.Kind.PDF.value,
        },
    )


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})  # type: ignore[arg-type]  # django-csp types a view as taking the request only
def document_inline(request, document_id: int):
    """A case document shown in the page (Content-Disposition: inline), to whoever may download it."""
    try:
        document = access_document_by_id(user=request.user, document_id=document_id)
    except Document.DoesNotExist as exc:
        raise Http404 from exc
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=False,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
