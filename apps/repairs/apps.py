from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "apps.repairs"
    label = "repairs"
    verbose_name = _("信用修复")

    def ready(self) -> None:
        from django.db.models.functions import Coalesce

        from apps.casework.registry import QueueFields, register_case_type, register_flow
        from apps.core.registry import register_subject_case_provider, register_todo_provider
        from apps.repairs import handlers
        from apps.repairs.flows import RepairFlow
        from apps.repairs.models import RepairCase
        from apps.repairs.selectors import (
            DEADLINE_PURPOSES,
            access_case_for_casework,
            case_summary,
            repair_audience,
            repair_case_row,
            repair_case_summary,
            repair_page_url,
            repair_party_sees,
            repair_proposals_of,
            repair_todos,
            repairs_visible_to,
            subject_repair_cases,
        )
        from apps.repairs.signals import refresh_due_columns
        from apps.sla.signals import deadline_due_changed

        register_case_type(
            model=RepairCase,
            access=access_case_for_casework,
            describe=case_summary,
            department_of=lambda case: case.department,
            queryset=lambda: RepairCase.objects.select_related("subject", "department"),
            audience=repair_audience,
            party_sees=repair_party_sees,
            visible=repairs_visible_to,
            proposals_of=repair_proposals_of,
            deadline_steps=DEADLINE_PURPOSES,
            page_url=repair_page_url,
            row=repair_case_row,
            summary=repair_case_summary,
            flow_class=RepairFlow,
            # The current step's due date, the case's own when no step counts (as repair_case_row).
            queue_fields=QueueFields(due_date=Coalesce("step_due_date", "due_date")),
        )
        register_flow(flow_class=RepairFlow, title=_("信用修复"), icon="verified_user")
        handlers.register(RepairFlow)
        register_subject_case_provider(subject_repair_cases)
        register_todo_provider(repair_todos)
        deadline_due_changed.connect(refresh_due_columns, dispatch_uid="repairs.refresh_due_columns")
