"""Two officers claim the same task at the same moment on PostgreSQL: exactly one wins, the other gets a clear 409."""

import threading
from datetime import date

import pytest
from django.db import connection
from rest_framework.test import APIClient
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from apps.accounts.models import Role
from apps.accounts.services import user_create
from apps.core.models import CaseEvent
from apps.subjects.services import subject_representative_add
from tests.repairs.conftest import filing
from tests.repairs.helpers import task_of
from tests.subjects.factories import a_record, a_subject
from tests.support.services import ensure_server

ROUNDS = 3


def _race(task_id, people):
    """Both claim behind a barrier, each thread on its own database connection."""
    barrier = threading.Barrier(len(people))
    results: dict[str, tuple[int, dict]] = {}

    def claim(user):
        try:
            client = APIClient()
            client.force_authenticate(user)
            barrier.wait(timeout=10)
            response = client.post(f"/api/v1/tasks/{task_id}/claim")
            results[user.username] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' rule rows for later tests
def test_two_officers_claiming_at_once_exactly_one_wins(transactional_db, clock, users, departments):
    ensure_server("postgresql")
    colleague = user_create(
        username="officer1b", password="x-pass-2026", role=Role.OFFICER, department=departments["market"]
    )
    applicant, officer = APIClient(), APIClient()
    applicant.force_authenticate(users["applicant"])
    officer.force_authenticate(users["officer"])
    for _round in range(ROUNDS):
        subject = a_subject()
        subject_representative_add(subject=subject, user=users["applicant"])
        record = a_record(subject, departments["market"], decided=date(2025, 6, 2))
        case_id = applicant.post("/api/v1/repairs", filing(record), format="json").json()["id"]
        task_id = task_of(officer, case_id, "intake")

        results = _race(task_id, [users["officer"], colleague])

        assert sorted(code for code, _body in results.values()) == [200, 409], results
        winner = next(name for name, (code, _body) in results.items() if code == 200)
        loser = next(body for code, body in results.values() if code == 409)
        assert loser["error"] in ("task_taken", "task_locked") and loser["detail"]
        task = Task.objects.get(pk=task_id)
        assert task.status == STATUS.ASSIGNED and task.owner.username == winner
        assert CaseEvent.objects.filter(kind="task_claimed", data__task_id=task_id).count() == 1
