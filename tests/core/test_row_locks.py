"""Filing on a record locks the record, not its subject or department (issue 15), so filings for different records
of one subject, or of one department, do not queue behind each other. On PostgreSQL; the whole PostgreSQL run also
checks every locking statement (tests/conftest.py)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction

from apps.accounts.models import Department
from apps.objections.models import Ground
from apps.objections.services import objection_file
from apps.subjects.models import NegativeRecord, Subject
from apps.subjects.services import subject_representative_add
from tests.subjects.factories import a_record, a_subject
from tests.support.row_locks import is_wide_lock, wide_row_locks
from tests.support.services import ensure_server


def test_a_join_without_of_is_a_wide_lock_and_of_self_is_not():
    wide = 'SELECT "r"."id" FROM "r" INNER JOIN "s" ON ("r"."subject_id" = "s"."id") WHERE "r"."id" = 1 FOR UPDATE'
    assert is_wide_lock(wide)
    assert not is_wide_lock(wide.replace("FOR UPDATE", 'FOR UPDATE OF "r"'))
    assert not is_wide_lock('SELECT "r"."id" FROM "r" WHERE "r"."id" = 1 FOR UPDATE')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_filing_holds_its_record_and_leaves_subject_and_department_free(users, departments):
    ensure_server("postgresql")
    subject = a_subject()
    subject_representative_add(subject=subject, user=users["applicant"])
    record = a_record(subject, departments["market"], decided=date(2025, 6, 2))
    locked_elsewhere: dict[str, bool] = {}
    holding, done = threading.Event(), threading.Event()

    def other_connection():
        try:
            holding.wait(timeout=20)
            with transaction.atomic(), connection.cursor() as cursor:
                for table, pk in (
                    (Subject._meta.db_table, subject.pk),
                    (Department._meta.db_table, departments["market"].pk),
                    (NegativeRecord._meta.db_table, record.pk),
                ):
                    cursor.execute("SAVEPOINT probe")
                    try:
                        cursor.execute(f'SELECT id FROM "{table}" WHERE id = %s FOR UPDATE NOWAIT', [pk])  # noqa: S608
                        locked_elsewhere[table] = False
                        cursor.execute("RELEASE SAVEPOINT probe")
                    except Exception:  # noqa: BLE001  (lock_not_available is the answer we look for)
                        locked_elsewhere[table] = True
                        cursor.execute("ROLLBACK TO SAVEPOINT probe")
        finally:
            done.set()
            connections.close_all()

    probe = threading.Thread(target=other_connection)
    probe.start()
    with wide_row_locks() as wide, transaction.atomic():
        objection_file(
            acting_user=users["applicant"],
            subject=subject,
            record=record,
            ground=Ground.ERROR,
            statement="处罚决定书所载金额与实际不符。",
            commitment_signer_name="张三",
        )
        holding.set()
        done.wait(timeout=20)
    probe.join(timeout=20)
    assert wide == []
    assert locked_elsewhere == {
        Subject._meta.db_table: False,
        Department._meta.db_table: False,
        NegativeRecord._meta.db_table: True,
    }
