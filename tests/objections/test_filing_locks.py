"""Filings under concurrency on PostgreSQL, with real threads each on its own connection (issue 15):

- two filings on the same record at the same moment serialise: one case, the other filing gets the clear 409;
- while one record's filing lock is held, a filing on another subject's record of the same department completes
  (the lock is the record's own row, not its subject's or department's).
"""

import threading
from datetime import date

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from apps.objections.models import Objection, ObjectionParty
from apps.objections.services import filing_record_lock
from apps.subjects.models import NegativeRecord
from apps.subjects.services import subject_representative_add
from tests.subjects.factories import a_record, a_subject
from tests.support.services import ensure_server

BODY = {
    "ground": "error",
    "statement": "罚款金额登记错误，应为5000元。",
    "commitment_accepted": True,
    "commitment_signer_name": "张敏",
}
ROUNDS = 3


def _file(user, record_id, results, key, barrier=None):
    try:
        client = APIClient()
        client.force_authenticate(user)
        if barrier is not None:
            barrier.wait(timeout=20)
        response = client.post("/api/v1/objections", {"record": record_id, **BODY}, format="json")
        results[key] = (response.status_code, response.json())
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' rule rows for later tests
def test_two_filings_on_one_record_at_once_make_one_case_and_one_409(users, departments):
    ensure_server("postgresql")
    for _round in range(ROUNDS):
        subject = a_subject()
        subject_representative_add(subject=subject, user=users["applicant"])
        record = a_record(subject, departments["market"], decided=date(2025, 6, 2))
        barrier = threading.Barrier(2)
        results: dict[str, tuple[int, dict]] = {}
        threads = [
            threading.Thread(target=_file, args=(users["applicant"], record.pk, results, name, barrier))
            for name in ("first", "second")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert sorted(code for code, _body in results.values()) == [201, 409], results
        loser = next(body for code, body in results.values() if code == 409)
        assert loser["error"] == "objection_duplicate" and loser["detail"]
        case = Objection.objects.get(record=record)
        assert loser["open_case"]["id"] == case.pk
        assert ObjectionParty.objects.filter(objection=case).count() == 1
        record.refresh_from_db()
        assert record.objection_status == NegativeRecord.ObjectionStatus.UNDER_OBJECTION


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_filing_on_another_subject_completes_while_a_record_lock_is_held(users, departments):
    ensure_server("postgresql")
    held_subject, other_subject = a_subject(), a_subject()
    subject_representative_add(subject=held_subject, user=users["applicant"])
    subject_representative_add(subject=other_subject, user=users["applicant2"])
    # Same department: a lock that also took the joined department row would make the second filing wait.
    held_record = a_record(held_subject, departments["market"], decided=date(2025, 6, 2))
    other_record = a_record(other_subject, departments["market"], decided=date(2025, 6, 2))
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                filing_record_lock(held_record.pk)
                holding.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert holding.wait(timeout=20)
        results: dict[str, tuple[int, dict]] = {}
        filer = threading.Thread(target=_file, args=(users["applicant2"], other_record.pk, results, "other"))
        filer.start()
        filer.join(timeout=30)
        finished_while_held = not filer.is_alive()
        with connection.cursor() as cursor:  # the first lock is still held: the other filing did not wait for it
            cursor.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = %s AND l.mode = 'RowShareLock' AND l.granted",
                [NegativeRecord._meta.db_table],
            )
            held_now = cursor.fetchone()[0]
    finally:
        release.set()
        holder.join(timeout=30)
    filer.join(timeout=30)
    assert finished_while_held, "the other subject's filing waited for a lock on a row it does not file on"
    assert held_now >= 1
    assert results["other"][0] == 201, results
    assert Objection.objects.filter(record=other_record).count() == 1
    assert not Objection.objects.filter(record=held_record).exists()
