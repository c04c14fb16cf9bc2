from django.apps import AppConfig


class MinimalCaseConfig(AppConfig):
    name = "tests.casework.minimal"
    label = "casework_minimal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rest_framework import serializers

        from apps.casework.registry import register_case_type, register_task_handler

        from .flows import TicketFlow
        from .models import Ticket

        class DecideInput(serializers.Serializer):
            approve = serializers.BooleanField()

        def decide(*, activation, case, data, acting_user) -> None:
            ticket = Ticket.objects.get(pk=case.pk)
            ticket.status = "decided"
            ticket.save(update_fields=["status"])
            activation.process.approved = data["approve"]
            activation.process.save()

        register_case_type(
            model=Ticket,
            access=lambda *, user, case_id: Ticket.objects.get(pk=case_id),
            describe=lambda ticket: {"title": ticket.title},
            department_of=lambda ticket: None,
            flow_class=TicketFlow,
        )
        register_task_handler(flow_class=TicketFlow, node_name="decide", input_serializer=DecideInput, handle=decide)
