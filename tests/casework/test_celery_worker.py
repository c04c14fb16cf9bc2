"""The SLA sweep through a real Celery worker against Redis (not eager): the beat job as it runs in production."""

import time

import pytest
from celery.result import EagerResult

from apps.casework.models import SlaNotice
from apps.letters.models import Letter
from apps.repairs.models import RepairCase
from tests.repairs.conftest import at, filing
from tests.repairs.helpers import complete


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the worker thread reads committed rows
def test_the_sweep_task_runs_in_a_real_worker_and_escalates_once(
    transactional_db, clock, users, world, api, real_celery
):
    from apps.casework.tasks import sla_sweep

    clock.set(at(2026, 5, 11, 10))
    case_id = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json").json()["id"]
    case = RepairCase.objects.get(pk=case_id)

    clock.set(at(2026, 5, 14, 9))  # the intake deadline (13 May) has passed
    result = sla_sweep.delay()
    assert not isinstance(result, EagerResult)  # sent to Redis, run by the worker
    first = result.get(timeout=60)
    second = sla_sweep.delay().get(timeout=60)
    assert first["timers_fired"] == 2
    assert second == {"timers_fired": 0, "due_soon": 0, "breach": 0}
    kinds = list(
        SlaNotice.objects.filter(deadline_id=case.intake_deadline_id).values_list("kind", flat=True).order_by("id")
    )
    assert kinds == [SlaNotice.Kind.BREACH]  # past: the breach escalation, never a due-soon notice

    # the acceptance letter is rendered by the worker too (WeasyPrint, queued after commit)
    complete(api(users["officer"]), case_id, "intake", {"decision": "accept"})
    letter = Letter.objects.get(owner_type="repairs.repaircase", owner_id=case_id, code="acceptance_notice")
    deadline = time.monotonic() + 90
    while letter.status == Letter.Status.QUEUED and time.monotonic() < deadline:
        time.sleep(0.5)
        letter.refresh_from_db()
    assert letter.status == Letter.Status.RENDERED, letter.error
    assert letter.sha256 and letter.page_count
