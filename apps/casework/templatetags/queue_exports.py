"""The download buttons of the workbench's inbox and queue pages (Viewflow's task lists): the page's own queue, flow
and filters, as GET /api/v1/tasks?format=csv|xlsx. That list goes through the same selector and the same parameters
as the page (apps.casework.workbench.QueueQueryMixin), so the file holds the page's tasks in the page's order, every
one rather than a page. A filter the page left out as invalid is left out of the file's URL as well."""

from typing import Any

from django import template
from django.urls import reverse

from apps.casework.inputs import TaskQueueInput, queue_query_from_page
from apps.casework.registry import case_types
from apps.core.exports import export_links

register = template.Library()


@register.simple_tag(takes_context=True)
def queue_export_links(context: Any) -> list[tuple[str, str]]:
    """(label, URL) of the page's files; none on a page that is not a queue (archive, task list) or that is empty."""
    view, request = context.get("view"), context.get("request")
    queue = getattr(view, "queue", None)
    page = context.get("page_obj")
    if view is None or request is None or queue is None or page is None or not page.paginator.count:
        return []
    _query, errors = queue_query_from_page(request.GET)
    params = {str(key): request.GET.get(str(key)) for key in TaskQueueInput().fields if key not in errors}
    flow_class = getattr(view, "flow_class", None)
    case_type = next((c.label for c in case_types() if flow_class is not None and c.flow_class is flow_class), None)
    return export_links(reverse("api-tasks"), {**params, "queue": queue, "case_type": case_type})
