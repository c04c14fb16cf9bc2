"""Plain pages of the workbench that are not a Viewflow view."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from apps.casework.models import Document
from apps.casework.selectors import (
    access_document_by_id,
    case_access,
    case_audience,
    case_documents,
    case_open_tasks,
    case_summary_rows,
    notices_visible_to,
)


def notices(request):
    """Due-soon notices and breach escalations the user may see (monitors: all departments)."""
    if not request.user.has_perm("casework.use_workbench"):
        raise PermissionDenied
    return render(request, "casework/notices.html", {"notices": notices_visible_to(user=request.user)[:200]})


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
@csp_replace({"frame-ancestors": [SELF]})
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
