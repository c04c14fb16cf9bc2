"""The case's SLA: timers armed from its deadline, the due-soon notice and the breach escalation exactly once."""

from datetime import date

import pytest
from viewflow.workflow.status import STATUS

from apps.casework.models import CaseTask, SlaNotice
from apps.casework.sla_policy import sla_sweep

from .conftest import at
from .test_flow_api import file_objection

pytestmark = pytest.mark.django_db


def timers(objection_id):
    return CaseTask.objects.filter(
        flow_task_type="TIMER", status=STATUS.SCHEDULED, process__artifact_object_id=objection_id
    ).order_by("scheduled")


def test_due_soon_and_breach_are_raised_once_each(api, world, clock):
    clock.set("2026-09-30 10:00")
    case = file_objection(api, world)
    assert case["due_date"] == "2026-10-13"
    assert [t.scheduled for t in timers(case["id"])] == [at("2026-10-12 00:00"), at("2026-10-14 00:00")]

    clock.set("2026-10-12 09:00")
    sla_sweep(today=date(2026, 10, 12))
    sla_sweep(today=date(2026, 10, 12))
    notices = SlaNotice.objects.filter(case_id=case["id"], case_type="objections.objection")
    assert list(notices.values_list("kind", flat=True)) == ["due_soon"]

    clock.set("2026-10-14 09:00")
    sla_sweep(today=date(2026, 10, 14))
    sla_sweep(today=date(2026, 10, 14))
    assert sorted(notices.values_list("kind", flat=True)) == ["breach", "due_soon"]
    assert notices.get(kind="breach").department == world["departments"]["market"]

    history = [h["kind"] for h in api(world["officer"]).get(f"/api/v1/objections/{case['id']}").json()["history"]]
    assert history.count("sla_due_soon") == 1 and history.count("sla_breach") == 1
    seen_by_market = api(world["officer"]).get("/api/v1/notices").json()
    rows = seen_by_market["results"] if isinstance(seen_by_market, dict) else seen_by_market
    assert len(rows) == 2
    other = api(world["officer_tax"]).get("/api/v1/notices").json()
    assert (other["results"] if isinstance(other, dict) else other) == []


def test_a_pause_moves_the_timers(api, world, clock):
    clock.set("2026-10-12 09:00")
    case = file_objection(api, world)  # due 2026-10-19
    task = api(world["officer"]).get("/api/v1/tasks", {"queue": "available"}).json()["results"][0]
    clock.set("2026-10-13 10:00")
    api(world["officer"]).post(
        f"/api/v1/tasks/{task['id']}/complete",
        {"action": "request_material", "request": "请提供缴款凭证。"},
        format="json",
    )
    assert list(timers(case["id"])) == []  # nothing runs while the applicant has the case
    clock.set("2026-10-15 10:00")
    api(world["applicant"]).post(f"/api/v1/objections/{case['id']}/material", {"answer": "已补充。"}, format="json")
    assert [t.scheduled for t in timers(case["id"])] == [at("2026-10-20 00:00"), at("2026-10-22 00:00")]  # due 10-21
