"""The project's URLs plus Viewflow's own, unscoped workbench under /baseline/: bench_queue.py times Viewflow's
built-in queue page on the same data as the baseline of ours. Used by the benchmark only."""

from django.urls import path
from viewflow.urls import Site
from viewflow.workflow.flow import FlowAppViewset

from apps.casework.registry import registered_flows
from config.urls import urlpatterns as project_urlpatterns


class BaselineSite(Site):
    permission = "casework.use_workbench"


baseline = BaselineSite(
    viewsets=[
        FlowAppViewset(entry.flow_class, title=entry.title, app_name=entry.flow_class.instance.flow_label)
        for entry in registered_flows()
    ]
)

urlpatterns = [*project_urlpatterns, path("baseline/", baseline.urls)]
