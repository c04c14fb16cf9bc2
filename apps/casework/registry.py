"""How domain apps plug their cases and flows into the shared case machinery.

casework knows no domain app. A domain app (repairs, objections, …) registers in its AppConfig.ready():

- its case model with `register_case_type(...)`: the access function (the only way casework obtains a case for a
  user: uploads, tasks and timers all go through it), who the user is to the case (`audience`: a party, staff, the
  credit office) and which of the case's documents and commitments a party may see (`party_sees`), how to describe
  a case in a task list and which department owns it;
- its flows with `register_flow(...)`: they appear in the staff workbench (/workflow/) and the task API;
- one handler per human node with `register_task_handler(...)`: the input serializer that validates the payload of
  POST /api/v1/tasks/{id}/complete (and builds the form of the workbench page) and the function that calls the
  domain service.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.audience import Audience


@dataclass(frozen=True)
class CaseRow:
    """What a queue row shows of a case: which case (its reference, not the process number), the enterprise, the
    department and the due date of the current step."""

    reference: str
    enterprise: str
    uscc: str
    department: str
    step_due_date: date | None


@dataclass(frozen=True)
class QueueFields:
    """Where the queues find a case's row in SQL, to sort, filter and search many tasks at once: lookups on the case
    model. `due_date` (a field name or an expression) must give the same date as `row(case).step_due_date`."""

    due_date: Any
    reference: str = "reference"
    enterprise: str = "subject__name"
    uscc: str = "subject__uscc"


@dataclass(frozen=True)
class CaseType:
    """A kind of case. `access(user=..., case_id=...)` returns the case or raises `model.DoesNotExist` (missing and
    forbidden look the same); `describe(case)` gives a small JSON-able summary for task lists; `department_of(case)`
    the department that owns it (SLA notices go there); `queryset()` the queryset task lists load cases from in
    bulk (add select_related for what describe() reads).

    `audience(user=..., case=...)` says who the user (who may see the case) is to it: a party, the handling
    department's staff or the credit office. `party_sees(user=..., case=..., item=...)` says whether a party may see
    one item of the case (a Document, a Commitment): its own filing's, or what the office addressed to it, never
    another party's. Without them every reader is a party who sees no item.

    `visible(user=...)` is the queryset of the cases the user may see (the same people as `access`, in bulk): the
    workbench (/workflow/) lists only processes and tasks of these cases; without it a case type shows in no list.
    `proposals_of(user=...)` is the queryset of the cases whose decision the user proposed (four eyes): a node
    marked `CaseView().NotByProposer()` (the review) is never in the proposer's queues and claiming it is a 404.
    `deadline_steps` names each deadline purpose of the case type in plain Chinese (the step a notice is about:
    "受理审查", never "intake"); `page_url(case)` is the page of the case that each of its readers can open (the
    link of a notification). `flow_class` is the flow that works the case: apps.casework.cases starts, locks and
    advances it, so the case's services never import their flow module.

    `row(case)` gives the CaseRow of the queues (read only what `queryset()` loads); `summary(case)` the case as
    staff read it on the workbench: a list of (label, value) pairs in plain words (values are strings, dates, booleans
    or lists of strings; the page formats them). `queue_fields` says where the same row is in SQL (the queues sort
    by due date and search by reference, enterprise name or code with it); without it a case type's tasks sort last
    by due date and match no search."""

    model: type[models.Model]
    access: Callable[..., models.Model]
    describe: Callable[[models.Model], dict[str, Any]]
    department_of: Callable[[models.Model], Any]
    queryset: Callable[[], models.QuerySet] | None = None
    audience: Callable[..., Audience] | None = None
    party_sees: Callable[..., bool] | None = None
    visible: Callable[..., models.QuerySet] | None = None
    proposals_of: Callable[..., models.QuerySet] | None = None
    # The case model's foreign key to its handling department (the SLA board counts and filters on it in SQL).
    department_field: str = "department"
    deadline_steps: dict[str, Any] | None = None
    page_url: Callable[[models.Model], str] | None = None
    row: Callable[[models.Model], CaseRow] | None = None
    summary: Callable[[models.Model], list[tuple[str, Any]]] | None = None
    flow_class: type | None = None
    queue_fields: QueueFields | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def bulk(self, ids: list[int]) -> dict[int, models.Model]:
        qs = self.queryset() if self.queryset else self.model._default_manager.all()
        return qs.in_bulk(ids)

    def audience_of(self, *, user: User, case: models.Model) -> Audience:
        return self.audience(user=user, case=case) if self.audience else Audience.PARTY

    def sees_item(self, *, user: User, case: models.Model, item: models.Model) -> bool:
        """May `user`, who may see `case`, see this item of it?"""
        if self.audience_of(user=user, case=case).internal:
            return True
        return bool(self.party_sees and self.party_sees(user=user, case=case, item=item))

    def proposed_by(self, *, user: User, case: models.Model) -> bool:
        """Did `user` propose the decision of `case` (so may not review it)?"""
        if self.proposals_of is None or not getattr(user, "is_authenticated", False):
            return False
        return self.proposals_of(user=user).filter(pk=case.pk).exists()

    def step_name(self, purpose: str) -> str:
        """The Chinese name of the step a deadline of this purpose times; never the internal code."""
        name = (self.deadline_steps or {}).get(purpose)
        return str(name) if name else _("办理")

    def url_of(self, case: models.Model) -> str:
        return self.page_url(case) if self.page_url else ""


@dataclass(frozen=True)
class TaskHandler:
    """What completing one human node means.

    handle(*, activation, case, data, acting_user) calls the domain service (which validates, saves and records the
    case event) and sets the routing flags on activation.process. casework starts the activation before and
    executes it (creating the next tasks) after, in the same transaction under the flow lock: if the service raises,
    nothing changes.

    The workbench page builds its form from `input_serializer` unless `form_class` is given: a Django form that
    takes `case=` (the case of the task), gives the serializer's data with `payload()` and says with
    `field_of(error_key)` which of its fields an error of the serializer or the service (such as
    "corrections.fine_amount") belongs to.
    """

    flow_class: type
    node_name: str
    input_serializer: type
    handle: Callable[..., Any]
    help_text: str | Promise = ""
    form_class: type | None = None


@dataclass
class FlowEntry:
    flow_class: type[Any]
    title: str | Promise
    icon: str = "assignment"
    extra: dict[str, Any] = field(default_factory=dict)


_case_types: dict[str, CaseType] = {}
_flows: list[FlowEntry] = []
_handlers: dict[tuple[type, str], TaskHandler] = {}


def register_case_type(
    *,
    model: type[models.Model],
    access: Callable[..., models.Model],
    describe: Callable[[Any], dict[str, Any]],
    department_of: Callable[[Any], Any],
    queryset: Callable[[], models.QuerySet] | None = None,
    audience: Callable[..., Audience] | None = None,
    party_sees: Callable[..., bool] | None = None,
    visible: Callable[..., models.QuerySet] | None = None,
    proposals_of: Callable[..., models.QuerySet] | None = None,
    deadline_steps: dict[str, Any] | None = None,
    page_url: Callable[[Any], str] | None = None,
    row: Callable[[Any], CaseRow] | None = None,
    summary: Callable[[Any], list[tuple[str, Any]]] | None = None,
    flow_class: type | None = None,
    queue_fields: QueueFields | None = None,
) -> CaseType:
    case_type = CaseType(
        model=model,
        access=access,
        describe=describe,
        department_of=department_of,
        queryset=queryset,
        audience=audience,
        party_sees=party_sees,
        visible=visible,
        proposals_of=proposals_of,
        deadline_steps=deadline_steps,
        page_url=page_url,
        row=row,
        summary=summary,
        flow_class=flow_class,
        queue_fields=queue_fields,
    )
    _case_types[case_type.label] = case_type
    return case_type


def case_type_for(label: str) -> CaseType | None:
    return _case_types.get(label)


def case_types() -> list[CaseType]:
    return list(_case_types.values())


def register_flow(*, flow_class: type, title: str | Promise, icon: str = "assignment") -> None:
    if not any(entry.flow_class is flow_class for entry in _flows):
        _flows.append(FlowEntry(flow_class=flow_class, title=title, icon=icon))


def registered_flows() -> list[FlowEntry]:
    return list(_flows)


def flow_classes() -> list[type[Any]]:
    return [entry.flow_class for entry in _flows]


def own_review_nodes() -> list[Any]:
    """Human nodes of the registered flows that the proposer of the case's decision never takes (NotByProposer)."""
    return [
        node
        for flow_class in flow_classes()
        for node in flow_class.instance.nodes()
        if getattr(node, "not_by_proposer", False)
    ]


def nodes_without_capability(user: Any) -> list[Any]:
    """Human nodes of the registered flows whose role (`.Capability(...)`) the user lacks."""
    return [
        node
        for flow_class in flow_classes()
        for node in flow_class.instance.nodes()
        if hasattr(node, "has_capability") and not node.has_capability(user)
    ]


def register_task_handler(
    *,
    flow_class: type,
    node_name: str,
    input_serializer: type,
    handle: Callable[..., Any],
    help_text: str | Promise = "",
    form_class: type | None = None,
) -> None:
    _handlers[(flow_class, node_name)] = TaskHandler(
        flow_class=flow_class,
        node_name=node_name,
        input_serializer=input_serializer,
        handle=handle,
        help_text=help_text,
        form_class=form_class,
    )


def task_handler_for(flow_task: Any) -> TaskHandler | None:
    if flow_task is None:
        return None
    return _handlers.get((flow_task.flow_class, flow_task.name))
