"""Timers follow their deadline; a due timer gives the due-soon notice and then the breach escalation, each once."""

from zoneinfo import ZoneInfo

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from apps.casework.models import SlaNotice
from apps.casework.sla_policy import sla_sweep
from apps.core.models import CaseEvent
from apps.core.selectors import audit_chain_breaks
from apps.repairs.models import RepairCase
from apps.sla.models import CalendarDay, CalendarYear, Deadline
from apps.sla.services import calendar_changed, deadline_extend
from apps.sla.signals import deadline_due_changed
from tests.repairs.conftest import at, filing
from tests.repairs.helpers import task_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _file(api, users, world):
    response = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json")
    assert response.status_code == 201, response.json()
    return RepairCase.objects.get(pk=response.json()["id"])


def _timer_days(task_id):
    timers = Task.objects.filter(previous__pk=task_id, flow_task_type="TIMER", status=STATUS.SCHEDULED)
    return sorted(t.scheduled.astimezone(SHANGHAI).strftime("%m-%d %H:%M") for t in timers)


def test_a_due_timer_gives_the_due_soon_notice_and_then_the_breach_escalation_once_each(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))
    case = _file(api, users, world)
    assert case.step_due_date.isoformat() == "2026-05-13"
    intake = task_of(api(users["officer"]), case.pk, "intake")
    assert _timer_days(intake) == ["05-12 00:00", "05-14 00:00"]

    clock.set(at(2026, 5, 11, 16))
    assert sla_sweep() == {"timers_fired": 0, "due_soon": 0, "breach": 0}
    assert SlaNotice.objects.count() == 0

    clock.set(at(2026, 5, 12, 9))  # one working day left
    assert sla_sweep()["timers_fired"] == 1
    clock.set(at(2026, 5, 14, 9))  # the intake deadline (13 May) is now in the past
    first = sla_sweep()
    second = sla_sweep()
    assert first["timers_fired"] == 1 and second == {"timers_fired": 0, "due_soon": 0, "breach": 0}
    notices = SlaNotice.objects.filter(case_id=case.pk).order_by("id")
    assert [(n.kind, n.deadline_id) for n in notices] == [
        (SlaNotice.Kind.DUE_SOON, case.intake_deadline_id),
        (SlaNotice.Kind.BREACH, case.intake_deadline_id),
    ]
    assert notices[0].message == f"{case.reference} 的“受理审查”时限将于 2026-05-13 届满，请及时办理。"
    assert CaseEvent.objects.filter(case_id=case.pk, case_type="repairs.repaircase", kind="sla_due_soon").count() == 1
    assert CaseEvent.objects.filter(case_id=case.pk, case_type="repairs.repaircase", kind="sla_breach").count() == 1
    # the human task is still there (non-interrupting timers): the officer can still work it
    assert Task.objects.get(pk=intake).status == STATUS.NEW
    # who sees the escalation: the department and the monitor, not another department
    assert api(users["officer"]).get("/api/v1/notices").json()["count"] == 2
    assert api(users["monitor"]).get("/api/v1/notices?kind=breach").json()["count"] == 1
    assert api(users["officer_tax"]).get("/api/v1/notices").json()["count"] == 0
    notice = notices.last()
    assert api(users["officer"]).post(f"/api/v1/notices/{notice.pk}/acknowledge").status_code == 200
    assert api(users["officer_tax"]).post(f"/api/v1/notices/{notice.pk}/acknowledge").status_code == 404
    assert list(audit_chain_breaks()) == []


def test_an_extension_moves_the_pending_timers_and_the_due_columns(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))
    case = _file(api, users, world)
    intake = task_of(api(users["officer"]), case.pk, "intake")
    deadline_extend(
        deadline=case.intake_deadline, extra_working_days=2, reason="案情复杂", acting_user=users["officer"]
    )
    case.refresh_from_db()
    assert case.step_due_date.isoformat() == "2026-05-15"
    assert _timer_days(intake) == ["05-14 00:00", "05-16 00:00"]


def test_a_calendar_change_moves_the_pending_timers(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))
    case = _file(api, users, world)
    intake = task_of(api(users["officer"]), case.pk, "intake")
    year, _ = CalendarYear.objects.get_or_create(year=2026)
    CalendarDay.objects.create(year=year, date=at(2026, 5, 12).date(), kind=CalendarDay.Kind.HOLIDAY, name="临时假日")
    calendar_changed(years=[2026], acting_user=users["admin"])
    case.refresh_from_db()
    assert case.step_due_date.isoformat() == "2026-05-14"
    assert _timer_days(intake) == ["05-13 00:00", "05-15 00:00"]


def test_a_deadline_moved_into_the_past_fires_its_timers_on_the_next_sweep_once(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))
    case = _file(api, users, world)
    intake = task_of(api(users["officer"]), case.pk, "intake")
    # the due date moves into the past (as a calendar correction would) and sla tells who listens
    Deadline.objects.filter(pk=case.intake_deadline_id).update(due_date=at(2026, 5, 6).date())
    deadline_due_changed.send(
        sender=Deadline, deadline_ids=[case.intake_deadline_id], calendar_version=None, years=None
    )
    assert _timer_days(intake) == ["04-30 00:00", "05-07 00:00"]  # 1-5 May: Labour Day
    case.refresh_from_db()
    assert case.step_due_date.isoformat() == "2026-05-06"
    for _run in range(2):
        sla_sweep()
    # a deadline already past gets the breach escalation, never a due-soon notice (its due-soon timer fires too)
    kinds = list(SlaNotice.objects.filter(deadline_id=case.intake_deadline_id).values_list("kind", flat=True))
    assert kinds == [SlaNotice.Kind.BREACH]
    assert (
        CaseEvent.objects.filter(case_id=case.pk, case_type="repairs.repaircase", kind__startswith="sla_").count() == 1
    )
