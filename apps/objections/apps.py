from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "apps.objections"
    label = "objections"
    verbose_name = _("异议处理")

    def ready(self) -> None:
        from apps.casework.registry import QueueFields, register_case_type, register_flow, register_task_handler
        from apps.core.registry import register_subject_case_provider, register_todo_provider
        from apps.sla.signals import deadline_due_changed

        from . import forms, handlers
        from .flows import ObjectionFlow
        from .models import Objection
        from .selectors import (
            DEADLINE_STEPS,
            access_objection_case,
            objection_audience,
            objection_case_brief,
            objection_case_row,
            objection_case_summary,
            objection_page_url,
            objection_party_sees,
            objection_proposals_of,
            objection_todos,
            objections_visible_to,
            subject_objection_cases,
        )
        from .signals import refresh_due_columns

        register_subject_case_provider(subject_objection_cases)
        register_todo_provider(objection_todos)
        register_case_type(
            model=Objection,
            access=access_objection_case,
            describe=objection_case_brief,
            department_of=lambda objection: objection.department,
            queryset=lambda: Objection.objects.select_related("subject", "record", "department"),
            audience=lambda *, user, case: objection_audience(user=user, objection=case),
            party_sees=objection_party_sees,
            visible=lambda *, user: objections_visible_to(user=user),
            proposals_of=objection_proposals_of,
            deadline_steps=DEADLINE_STEPS,
            page_url=objection_page_url,
            row=objection_case_row,
            summary=objection_case_summary,
            flow_class=ObjectionFlow,
            queue_fields=QueueFields(due_date="due_date"),
        )
        register_flow(flow_class=ObjectionFlow, title=str(_("异议处理")), icon="report_problem")
        register_task_handler(
            flow_class=ObjectionFlow,
            node_name="verify",
            input_serializer=handlers.VerifyInput,
            handle=handlers.verify_handle,
            form_class=forms.VerifyForm,
            help_text=str(
                _("提出核查结果（更正、删除、维持、无法确认）并写明理由；或一次性要求申请人补充材料（计时暂停）。")
            ),
        )
        register_task_handler(
            flow_class=ObjectionFlow,
            node_name="review",
            input_serializer=handlers.ReviewInput,
            handle=handlers.review_handle,
            help_text=str(_("审核核查结果：通过后执行并出具答复函；退回须写明意见。提出人不能审核本人的核查结果。")),
        )
        deadline_due_changed.connect(refresh_due_columns, dispatch_uid="objections.refresh_due_columns")
