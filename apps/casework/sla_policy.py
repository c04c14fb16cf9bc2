"""SLA policy of every case: when a deadline is "due soon", the due-soon notice and the breach escalation, the
beat sweep, and the Viewflow timers that follow their deadline.

The one module that owns these rules (apps.sla owns the calendar and the deadlines themselves; this module decides
what to do about them):

- due soon: a running deadline is due soon from the start of the working day on which `sla.due_soon` working days
  (a rule row, read on the day the clock started) or fewer are left until its due date, and it is no longer due
  soon once the due date has passed (it is breached from the next day, 00:00 Asia/Shanghai);
- a notice (`SlaNotice`) is raised once per deadline, kind and version of the due date, and tells the officer
  holding the step, the department's head and the credit office; a paused or closed deadline raises nothing;
- the sweep (beat job `casework.sla_sweep`) fires due Viewflow timers, then raises whatever notice a timer missed;
  the per-step timers of each flow read `deadline_due_soon_at` / `deadline_breach_at`, and `timers_reschedule`
  moves them when apps.sla moves a due date (signals.move_timers_with_deadlines).

Working days are counted by apps.sla alone, forwards (`add_working_days`) and backwards (`subtract_working_days`).
"""

import logging
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from apps.accounts.models import User
from apps.casework.cases import case_open_tasks
from apps.casework.models import SlaNotice
from apps.casework.registry import case_type_for, case_types
from apps.core import clock
from apps.core.i18n import in_office_language
from apps.core.services import case_event_record
from apps.notifications.services import deadline_notify
from apps.rules.selectors import rule_value
from apps.sla.models import Deadline
from apps.sla.workdays import BUSINESS_TZ, add_working_days, subtract_working_days

logger = logging.getLogger(__name__)


def _case_for(case_type_label: str, case_id: int) -> models.Model | None:
    case_type = case_type_for(case_type_label)
    if case_type is None:
        return None
    return case_type.model._default_manager.filter(pk=case_id).first()


@in_office_language
def sla_notice_raise(*, deadline: Deadline, kind: str, acting_user: User | None = None) -> SlaNotice | None:
    """Record a due-soon notice or a breach escalation for the deadline's current due date, once, and notify the
    officer holding the step, the department's head and the credit office. Returns None when it exists already (a
    second sweep, a timer and the sweep both firing), the deadline is no longer running, or a due-soon notice is
    asked for a deadline already past (it gets the breach escalation instead)."""
    deadline.refresh_from_db()
    if deadline.status == Deadline.Status.CLOSED:
        return None
    if kind == SlaNotice.Kind.DUE_SOON and deadline.due_date < clock.today():
        return None
    case_type = case_type_for(deadline.owner_type)
    case = _case_for(deadline.owner_type, deadline.owner_id)
    department = case_type.department_of(case) if case_type and case is not None else None
    step = case_type.step_name(deadline.purpose) if case_type else _("办理")
    names = {"case": str(case) if case is not None else f"{deadline.owner_type}:{deadline.owner_id}"}
    names.update({"purpose": step, "due": deadline.due_date.isoformat()})
    if kind == SlaNotice.Kind.DUE_SOON:
        message = _("%(case)s 的“%(purpose)s”时限将于 %(due)s 届满，请及时办理。") % names
    else:
        message = _("%(case)s 的“%(purpose)s”时限已于 %(due)s 届满仍未办结，已督办。") % names
    try:
        with transaction.atomic():
            notice = SlaNotice.objects.create(
                case_type=deadline.owner_type,
                case_id=deadline.owner_id,
                deadline=deadline,
                kind=kind,
                due_date=deadline.due_date,
                department=department,
                message=message[:300],
            )
            case_event_record(
                kind=f"sla_{kind}",
                case_type=deadline.owner_type,
                case_id=deadline.owner_id,
                acting_user=acting_user,
                data={
                    "notice_id": notice.pk,
                    "deadline_id": deadline.pk,
                    "purpose": deadline.purpose,
                    "due_date": deadline.due_date,
                },
            )
            if case is not None:
                deadline_notify(
                    kind=kind,
                    notice_id=notice.pk,
                    case_type=deadline.owner_type,
                    case_id=deadline.owner_id,
                    reference=names["case"],
                    step_name=step,
                    due_date=deadline.due_date,
                    url=case_type.url_of(case) if case_type is not None else "",
                    department=department,
                    holders=[task.owner for task in case_open_tasks(case=case) if task.owner_id],
                )
    except IntegrityError:
        return None
    return notice


@transaction.atomic
def sla_notice_acknowledge(*, notice: SlaNotice, acting_user: User) -> SlaNotice:
    if notice.acknowledged_at is None:
        notice.acknowledged_at, notice.acknowledged_by = timezone.now(), acting_user
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        case_event_record(
            kind="sla_notice_acknowledged",
            case_type=notice.case_type,
            case_id=notice.case_id,
            acting_user=acting_user,
            data={"notice_id": notice.pk},
        )
    return notice


def due_soon_working_days(*, on: date) -> int:
    return rule_value(code="sla.due_soon", on=on)


def due_soon_horizon(today: date) -> date:
    """The last due date that is "due soon" on `today` (today included): `sla.due_soon` working days ahead."""
    return add_working_days(today, due_soon_working_days(on=today))


def deadline_due_soon_at(deadline: Deadline) -> datetime:
    """Start (00:00 Asia/Shanghai) of the working day from which `sla.due_soon` working days or fewer are left."""
    day = subtract_working_days(deadline.due_date, due_soon_working_days(on=deadline.received_on))
    return datetime.combine(day, time(0, 0), tzinfo=BUSINESS_TZ)


def deadline_breach_at(deadline: Deadline) -> datetime:
    """The first moment after the due date (00:00 Asia/Shanghai of the next day)."""
    return datetime.combine(deadline.due_date + timedelta(days=1), time(0, 0), tzinfo=BUSINESS_TZ)


def timers_reschedule(*, case_type: str, case_id: int) -> int:
    """Recompute `scheduled` of the case's pending Viewflow timers from their delay callables (which read the case's
    deadlines), after a pause, resume, extension or calendar change moved a due date. Returns how many moved."""
    registered = case_type_for(case_type)
    if registered is None:
        return 0
    content_type = ContentType.objects.get_for_model(registered.model)
    pending = Task.objects.filter(
        flow_task_type="TIMER",
        status=STATUS.SCHEDULED,
        process__artifact_content_type=content_type,
        process__artifact_object_id=case_id,
    ).select_related("process")
    moved = 0
    for task in pending:
        node = task.flow_task
        delay = getattr(node, "_delay", None)
        if node is None or not callable(delay):
            continue
        moment = delay(node.activation_class(task))
        if not isinstance(moment, datetime) or moment == task.scheduled:
            continue
        moved += Task.objects.filter(pk=task.pk, status=STATUS.SCHEDULED).update(scheduled=moment)
    return moved


def sla_sweep(*, today: date | None = None) -> dict[str, int]:
    """One run of the beat job: fire the due Viewflow timers, then raise the due-soon notices and breach escalations
    of every running deadline of a registered case type. Safe to run twice or in parallel."""
    from viewflow.workflow.timers import fire_due_timers

    fired = fire_due_timers()
    today = today or clock.today()
    labels = [case_type.label for case_type in case_types()]
    horizon = due_soon_horizon(today)
    running = Deadline.objects.filter(status=Deadline.Status.OPEN, owner_type__in=labels)

    def missing(kind: str) -> Exists:
        return Exists(SlaNotice.objects.filter(deadline=OuterRef("pk"), kind=kind, due_date=OuterRef("due_date")))

    counts = {"timers_fired": fired, "due_soon": 0, "breach": 0}
    # A deadline already past gets the breach escalation, never a due-soon notice.
    due_soon = running.filter(due_date__gte=today, due_date__lte=horizon)
    for deadline in due_soon.exclude(missing(SlaNotice.Kind.DUE_SOON)):
        counts["due_soon"] += sla_notice_raise(deadline=deadline, kind=SlaNotice.Kind.DUE_SOON) is not None
    for deadline in running.filter(due_date__lt=today).exclude(missing(SlaNotice.Kind.BREACH)):
        counts["breach"] += sla_notice_raise(deadline=deadline, kind=SlaNotice.Kind.BREACH) is not None
    if any(counts.values()):
        logger.info("casework sla sweep: %s", counts)
    return counts
