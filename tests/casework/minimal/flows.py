"""decide (a person) ─► approved? ─► await the answer (a Handle a service completes) ─► answered
└─► rejected"""

from viewflow import this
from viewflow.workflow import flow

from apps.casework.nodes import CaseFlowMixin, CaseView

from .models import TicketProcess


class TicketFlow(CaseFlowMixin, flow.Flow):
    process_class = TicketProcess

    start = flow.StartHandle(this.start_case).Next(this.decide)
    decide = CaseView().Next(this.route)
    route = flow.If(lambda activation: activation.process.approved).Then(this.await_answer).Else(this.rejected)
    await_answer = flow.Handle().Next(this.answered)
    answered = flow.End()
    rejected = flow.End()

    def start_case(self, activation, case):
        activation.process.artifact = case
        return activation.process
