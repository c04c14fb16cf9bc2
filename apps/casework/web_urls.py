"""The staff workbench: the Viewflow material UI at /workflow/ (inbox, queue, archive, process detail) for every
flow registered with apps.casework.registry.register_flow (apps register in AppConfig.ready, before URLs load),
each scoped to the cases the person may see (apps.casework.workbench)."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Site

from apps.casework import web_views
from apps.casework.registry import registered_flows
from apps.casework.workbench import CaseFlowAppViewset


class WorkbenchSite(Site):
    title = _("信用修复与异议办理 · 工作台")
    permission = "casework.use_workbench"


site = WorkbenchSite(
    viewsets=[CaseFlowAppViewset(entry.flow_class, icon=entry.icon, title=entry.title) for entry in registered_flows()]
)

urlpatterns = [
    path("workflow/", site.urls),
    path("workbench/notices/", login_required(web_views.notices), name="casework-notices"),
    path("workbench/breaches/", login_required(web_views.breaches), name="casework-breaches"),
    path("workbench/cases/<str:case_type>/<int:case_id>/", login_required(web_views.case_page), name="casework-case"),
    path(
        "workbench/documents/<int:document_id>/inline",
        login_required(web_views.document_inline),
        name="casework-document-inline",
    ),
]
