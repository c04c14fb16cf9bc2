from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "apps.casework"
    label = "casework"
    verbose_name = _("办案通用")

    def ready(self) -> None:
        from apps.casework.signals import move_timers_with_deadlines
        from apps.sla.signals import deadline_due_changed

        deadline_due_changed.connect(move_timers_with_deadlines, dispatch_uid="casework.move_timers_with_deadlines")
