from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanctionsConfig(AppConfig):
    name = "apps.sanctions"
    label = "sanctions"
    verbose_name = _("联合奖惩")

    def ready(self) -> None:
        from apps.sanctions.services import record_basis_ended_receive
        from apps.subjects.signals import record_basis_ended

        record_basis_ended.connect(record_basis_ended_receive, dispatch_uid="sanctions.measure_removals_open")
