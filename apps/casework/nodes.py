"""Building blocks for case flows: the human-step node and the flow mixin every case flow uses.

class RepairFlow(CaseFlowMixin, flow.Flow):
    lock_impl = lock.select_for_update_lock
    intake = (
        CaseView()
        .Permission("repairs.work_repaircase", obj=case_of_process)   # guardian: the case's department
        .Capability("repairs.handle_repair")                           # role: officers only
        .Next(this.route_intake)
    )
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from viewflow.workflow import lock
from viewflow.workflow.flow import View

from apps.accounts.models import User
from apps.casework.cases import case_of_process, is_own_proposal_review
from apps.casework.models import CaseTask
from apps.casework.registry import case_type_for

__all__ = ["CaseFlowMixin", "CaseView", "case_of_process", "previous_officer_for"]


class CaseView(View):
    """A human step. `.Permission(perm, obj=case_of_process)` limits it to the department holding the object
    permission on the case; `.Capability(perm)` additionally to the role holding a model permission (officer vs
    reviewer). Without a view the generic workbench form (apps.casework.views.CaseTaskView) is used; it renders the
    node's registered input serializer and calls its handler, the same as the task API."""

    _capability: str | None = None
    _not_by_proposer: bool = False

    def __init__(self, view: Any = None, **kwargs: Any) -> None:
        if view is None:
            from apps.casework.views import CaseTaskView

            view = CaseTaskView.as_view()
        super().__init__(view, **kwargs)

    def Capability(self, permission: str) -> "CaseView":  # noqa: N802 - viewflow's fluent style
        self._capability = permission
        return self

    def NotByProposer(self) -> "CaseView":  # noqa: N802 - viewflow's fluent style
        """Four eyes: whoever proposed the case's decision (the case type's `proposals_of`) never takes this step.
        It is not in their queues, and claiming or opening it to work is a 404."""
        self._not_by_proposer = True
        return self

    @property
    def capability(self) -> str | None:
        return self._capability

    @property
    def not_by_proposer(self) -> bool:
        return self._not_by_proposer

    def has_capability(self, user: User) -> bool:
        return self._capability is None or bool(user and user.has_perm(self._capability))

    def calc_owner(self, activation: Any) -> Any:
        """Without an explicit `.Assign(...)`, the step goes to the officer who completed the case's previous step
        when that step was of the same role and they may take this one (department, role, and never the review of
        their own proposal: `can_assign`); otherwise it waits in the shared queue."""
        if self._owner is not None:
            return super().calc_owner(activation)
        return previous_officer_for(node=self, task=activation.task)

    def can_assign(self, user: User, task: Any) -> bool:
        return (
            super().can_assign(user, task)
            and self.has_capability(user)
            and not is_own_proposal_review(task=task, user=user)
        )

    def can_execute(self, user: User, task: Any) -> bool:
        return (
            super().can_execute(user, task)
            and self.has_capability(user)
            and not is_own_proposal_review(task=task, user=user)
        )


def previous_officer_for(*, node: "CaseView", task: Any) -> Any:
    """The owner of the last completed human step of the task's process, if that step was of `node`'s role and the
    owner may take `task`; else None."""
    from viewflow.workflow.status import STATUS

    previous = (
        CaseTask.objects.filter(process_id=task.process_id, flow_task_type="HUMAN", status=STATUS.DONE)
        .exclude(owner__isnull=True)
        .select_related("owner")
        .order_by("-finished", "-pk")
        .first()
    )
    if previous is None or not isinstance(previous.flow_task, CaseView):
        return None
    if previous.flow_task.capability != node.capability or not previous.owner.is_active:
        return None
    return previous.owner if node.can_assign(previous.owner, task) else None


class CaseFlowMixin:
    """Put it before flow.Flow. Locks the process row while a task moves (select_for_update), uses the CaseTask
    model, and lets a person see a process exactly when the case's access function lets them see the case."""

    lock_impl = lock.select_for_update_lock
    task_class = CaseTask
    # Viewflow's one-line summary of a process (page headers, process lists, bulk assign): the case reference and the
    # enterprise, never the flow's description or "#process".
    process_summary_template = "{% load casework_format %}{% case_title process %}"

    def has_view_permission(self, user: User, obj: Any = None) -> bool:
        if not user.is_authenticated:
            return False
        if obj is None:
            return user.has_perm("casework.use_workbench")
        case = case_of_process(obj)
        if case is None:
            return user.is_superuser
        case_type = case_type_for(case._meta.label_lower)
        if case_type is None:
            return False
        try:
            case_type.access(user=user, case_id=case.pk)
        except ObjectDoesNotExist:
            return False
        return True
