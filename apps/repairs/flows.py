"""The credit repair flow: the graph only. Nodes route on the process's flags; services (apps.repairs.services)
decide, called by the step handlers (apps.repairs.handlers) and by the Function callbacks below."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from apps.casework.models import SlaNotice
from apps.casework.nodes import CaseFlowMixin, CaseView, case_of_process
from apps.casework.sla_policy import deadline_breach_at, deadline_due_soon_at, sla_notice_raise
from apps.repairs.models import RepairCase, RepairProcess
from apps.repairs.services import repair_close, repair_withdraw_unanswered

WORK = "repairs.work_repaircase"
HANDLE = "repairs.handle_repair"
REVIEW = "repairs.review_repair"


def _step(title, capability=HANDLE):
    """A human step of the case's department, with its due-soon reminder and breach escalation timers."""
    return (
        CaseView()
        .Annotation(title=title)
        .Permission(WORK, obj=case_of_process)
        .Capability(capability)
        .OnTimeout(this.step_due_soon_at, this.sla_due_soon, interrupting=False, title=_("临期提醒"))
        .OnTimeout(this.step_breach_at, this.sla_breach, interrupting=False, title=_("超期督办"))
    )


class RepairFlow(CaseFlowMixin, flow.Flow):
    """信用修复

    受理（或一次性告知补正）→ 核查 → 拟办 → 审核（不同人员）→ 决定 → 停止公示、停止共享、各惩戒部门确认解除 → 办结。
    """

    process_class = RepairProcess
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_case).Annotation(title=_("提交申请")).Next(this.intake)

    intake = _step(_("受理审查")).Next(this.route_intake)
    route_intake = (
        flow.Switch()
        .Annotation(title=_("受理结果"))
        .Case(this.await_supplement, lambda activation: activation.process.intake_outcome == "supplement")
        .Case(this.refused, lambda activation: activation.process.intake_outcome == "refuse")
        .Default(this.verify)
    )
    await_supplement = (
        flow.Handle()
        .Annotation(title=_("等待申请人补正"))
        .OnTimeout(this.supplement_expires_at, this.withdraw, title=_("补正逾期"))
        .Next(this.intake)
    )
    withdraw = flow.Function(this.withdraw_case).Annotation(title=_("视为撤回")).Next(this.withdrawn)

    verify = _step(_("核查")).Next(this.propose)
    propose = _step(_("拟办意见")).Next(this.review)
    review = _step(_("审核"), capability=REVIEW).NotByProposer().Next(this.route_review)
    route_review = (
        flow.Switch()
        .Annotation(title=_("审核结果"))
        .Case(this.propose, lambda activation: activation.process.review_outcome == "return")
        .Case(this.execute, lambda activation: activation.process.review_outcome == "approved")
        .Default(this.refused)
    )

    execute = (
        flow.Split()
        .Annotation(title=_("执行修复"))
        .Next(this.stop_publication)
        .Next(this.stop_sharing)
        .Next(this.await_lifts, case=lambda activation: activation.process.has_sanctions)
    )
    stop_publication = _step(_("停止公示")).Next(this.effects_done)
    stop_sharing = _step(_("停止共享")).Next(this.effects_done)
    await_lifts = flow.Handle().Annotation(title=_("等待各惩戒部门确认解除")).Next(this.effects_done)
    effects_done = flow.Join().Annotation(title=_("修复效果全部完成")).Next(this.close)
    close = flow.Function(this.close_case).Annotation(title=_("办结")).Next(this.repaired)

    repaired = flow.End().Annotation(title=_("已修复"))
    refused = flow.End().Annotation(title=_("不予修复"))
    withdrawn = flow.End().Annotation(title=_("视为撤回"))

    sla_due_soon = flow.Function(this.raise_due_soon).Annotation(title=_("临期提醒")).Next(this.sla_done)
    sla_breach = flow.Function(this.raise_breach).Annotation(title=_("超期督办")).Next(this.sla_done)
    sla_done = flow.End().Annotation(title=_("提醒已发出"))

    # -- callbacks: read the case fresh (the process caches its artifact), call services ----------------------

    def start_case(self, activation, case: RepairCase):
        activation.process.artifact = case
        return activation.process

    @staticmethod
    def _case(activation) -> RepairCase:
        return RepairCase.objects.select_related("step_deadline").get(pk=activation.process.artifact_object_id)

    @staticmethod
    def _far_future() -> datetime:
        return timezone.now() + timedelta(days=3650)

    def step_due_soon_at(self, activation) -> datetime:
        deadline = self._case(activation).step_deadline
        return deadline_due_soon_at(deadline) if deadline else self._far_future()

    def step_breach_at(self, activation) -> datetime:
        deadline = self._case(activation).step_deadline
        return deadline_breach_at(deadline) if deadline else self._far_future()

    def supplement_expires_at(self, activation) -> datetime:
        return self.step_breach_at(activation)

    def raise_due_soon(self, activation) -> None:
        deadline = self._case(activation).step_deadline
        if deadline is not None:
            sla_notice_raise(deadline=deadline, kind=SlaNotice.Kind.DUE_SOON)

    def raise_breach(self, activation) -> None:
        deadline = self._case(activation).step_deadline
        if deadline is not None:
            sla_notice_raise(deadline=deadline, kind=SlaNotice.Kind.BREACH)

    def withdraw_case(self, activation) -> None:
        repair_withdraw_unanswered(case=self._case(activation))

    def close_case(self, activation) -> None:
        repair_close(case=self._case(activation))
