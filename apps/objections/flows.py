"""The objection case as a Viewflow graph. Nodes route; apps.objections.services decides and records.

filed ─► verify (source department, officer) ─┬─► review (same department, a different person: reviewer) ─┬─► apply ─► reply ─► close
          ▲                                    └─► await material (once; clock paused) ──┐                 │
          └──────────────────────────────────────────────────────────────────────────────┴── returned ◄───┘
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from apps.casework.models import SlaNotice
from apps.casework.nodes import CaseFlowMixin, CaseView, case_of_process
from apps.casework.sla_policy import deadline_breach_at, deadline_due_soon_at

from .models import Objection, ObjectionProcess
from .services import objection_close, objection_outcome_apply, objection_reply, objection_sla_notice


def _case(activation) -> Objection:
    return Objection.objects.select_related("reviewed_by", "deadline").get(pk=activation.process.artifact_object_id)


class ObjectionFlow(CaseFlowMixin, flow.Flow):
    """异议处理: routed to the record's source department, verified there, reviewed by a second person, carried
    out on the record, answered with a reply letter. The case's 5-working-day clock lives in apps.sla."""

    process_class = ObjectionProcess
    process_title = _("异议处理")
    process_description = _("对公示的失信信息提出的异议：核查、审核、执行、答复。")

    start = flow.StartHandle(this.start_case).Annotation(title=_("提交异议")).Next(this.verify)

    verify = (
        CaseView()
        .Annotation(title=_("核查异议"), description=_("认定部门核查异议，提出核查结果，或一次性要求补充材料。"))
        .Permission("objections.work_objection", obj=case_of_process)
        .Capability("objections.handle_objection")
        .OnTimeout(this.due_soon_at, this.notify_due_soon, interrupting=False, title=_("临期提醒"))
        .OnTimeout(this.breach_at, this.escalate_breach, interrupting=False, title=_("超期督办"))
        .Next(this.after_verify)
    )
    after_verify = (
        flow.If(lambda activation: activation.process.verify_action == "request_material")
        .Annotation(title=_("是否补充材料"))
        .Then(this.await_material)
        .Else(this.review)
    )
    await_material = flow.Handle(this.material_received).Annotation(title=_("等待申请人补充材料")).Next(this.verify)
    review = (
        CaseView()
        .Annotation(title=_("审核核查结果"), description=_("由提出人以外的人员审核核查结果：通过或退回。"))
        .Permission("objections.work_objection", obj=case_of_process)
        .Capability("objections.approve_objection")
        .NotByProposer()
        .OnTimeout(this.due_soon_at, this.notify_due_soon, interrupting=False, title=_("临期提醒"))
        .OnTimeout(this.breach_at, this.escalate_breach, interrupting=False, title=_("超期督办"))
        .Next(this.after_review)
    )
    after_review = (
        flow.If(lambda activation: activation.process.review_approved)
        .Annotation(title=_("审核是否通过"))
        .Then(this.apply_outcome)
        .Else(this.verify)
    )
    apply_outcome = flow.Function(this.outcome_apply).Annotation(title=_("执行核查结果")).Next(this.reply)
    reply = flow.Function(this.reply_send).Annotation(title=_("出具答复函")).Next(this.close)
    close = flow.Function(this.case_close).Annotation(title=_("办结")).Next(this.end)
    end = flow.End().Annotation(title=_("已办结"))

    # SLA timers of the human steps: they read the case's deadline when armed and when sla moves it (casework
    # reschedules them); the notice they raise is unique per due date, so the sweep and a timer never double it.
    notify_due_soon = flow.Function(this.sla_due_soon).Annotation(title=_("发出临期提醒")).Next(this.timer_end)
    escalate_breach = flow.Function(this.sla_breach).Annotation(title=_("超期督办")).Next(this.timer_end)
    timer_end = flow.End().Annotation(title=_("提醒已发出"))

    def start_case(self, activation, case: Objection):
        activation.process.artifact = case
        return activation.process

    def material_received(self, activation, **kwargs):
        return activation.process

    def outcome_apply(self, activation):
        objection = _case(activation)
        objection_outcome_apply(objection=objection, acting_user=objection.reviewed_by)

    def reply_send(self, activation):
        objection = _case(activation)
        objection_reply(objection=objection, acting_user=objection.reviewed_by)

    def case_close(self, activation):
        objection = _case(activation)
        objection_close(objection=objection, acting_user=objection.reviewed_by)

    def due_soon_at(self, activation):
        return deadline_due_soon_at(_case(activation).deadline)

    def breach_at(self, activation):
        return deadline_breach_at(_case(activation).deadline)

    def sla_due_soon(self, activation):
        objection_sla_notice(objection=_case(activation), kind=SlaNotice.Kind.DUE_SOON)

    def sla_breach(self, activation):
        objection_sla_notice(objection=_case(activation), kind=SlaNotice.Kind.BREACH)
