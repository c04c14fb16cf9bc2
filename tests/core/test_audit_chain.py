import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.core.models import CaseEvent
from apps.core.selectors import audit_chain_breaks, case_events
from apps.core.services import case_event_record


@pytest.fixture
def chain(users):
    admin = users["admin"]
    return [
        case_event_record(
            case_type="test.case", case_id=7, kind=f"step{i}", acting_user=admin, data={"i": i, "note": "说明"}
        )
        for i in range(5)
    ]


def test_events_link_to_each_other(chain):
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1
    assert list(audit_chain_breaks()) == []
    call_command("verify_audit")


def test_case_history_lists_who_did_what(chain, users):
    events = list(case_events(case=users["admin"]))  # the user itself has its own history (user_created)
    assert [e.kind for e in events] == ["user_created"]
    history = CaseEvent.objects.filter(case_type="test.case", case_id=7)
    assert [e.actor_label for e in history] == ["admin"] * 5


def test_events_refuse_update_and_delete_through_the_model(chain):
    event = chain[0]
    event.kind = "changed"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def _tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_edited_event_is_reported_with_its_number(chain):
    target = chain[2]
    _tamper("UPDATE core_caseevent SET data = %s WHERE id = %s", ['{"i": 99, "note": "说明"}', target.pk])
    breaks = list(audit_chain_breaks())
    assert breaks and breaks[0].seq == target.seq
    with pytest.raises(CommandError, match=f"#{target.seq}"):
        call_command("verify_audit")


def test_an_edited_event_with_recomputed_hash_breaks_the_next_link(chain):
    target = chain[1]
    target.data = {"i": 42}
    target.hash = target.compute_hash(settings.AUDIT_KEY.encode())
    CaseEvent.objects.filter(pk=target.pk).update(data=target.data, hash=target.hash)
    breaks = list(audit_chain_breaks())
    assert breaks[0].seq == chain[2].seq
    assert "prev_hash" in breaks[0].reason


def test_a_deleted_event_is_reported(chain):
    _tamper("DELETE FROM core_caseevent WHERE id = %s", [chain[3].pk])
    breaks = list(audit_chain_breaks())
    assert breaks[0].seq == chain[3].seq
    assert "missing" in breaks[0].reason


def test_a_cut_off_tail_is_reported(chain):
    _tamper("DELETE FROM core_caseevent WHERE id = %s", [chain[-1].pk])
    breaks = list(audit_chain_breaks())
    assert breaks and "removed" in breaks[-1].reason
