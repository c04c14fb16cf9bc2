from datetime import date

import pytest
from django.core.management import call_command

from apps.subjects.models import NegativeRecord, Severity
from apps.subjects.services import records_expire_publication
from tests.subjects.factories import a_record, a_subject

pytestmark = pytest.mark.django_db


def test_records_past_their_maximum_period_stop_being_published_once(departments):
    subject = a_subject()
    old = a_record(subject, departments["tax"], severity=Severity.GENERAL, decided=date(2024, 6, 1))  # until 2025-06-01
    current = a_record(subject, departments["tax"], severity=Severity.GENERAL, decided=date(2026, 6, 1))
    assert records_expire_publication(today=date(2026, 11, 20)) == 1
    assert records_expire_publication(today=date(2026, 11, 20)) == 0
    old.refresh_from_db()
    current.refresh_from_db()
    assert old.publication_status == NegativeRecord.PublicationStatus.ENDED_EXPIRED and old.ended_at
    assert current.publication_status == NegativeRecord.PublicationStatus.PUBLISHED


def test_the_embedded_scheduler_runs_the_beat_schedule(departments, capsys):
    a_record(a_subject(), departments["tax"], severity=Severity.GENERAL, decided=date(2024, 1, 2))
    call_command("run_periodic", "--once")
    out = capsys.readouterr().out
    assert "subjects.expire_publication: 1" in out and "casework.sla_sweep" in out
