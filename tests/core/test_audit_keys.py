"""The audit chain is an HMAC under a key kept outside the database (docs/audit.md)."""

import hashlib
import importlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.auditkeys import audit_key_id
from apps.core.models import GENESIS_HASH, AuditHead, CaseEvent, canonical_json
from apps.core.selectors import audit_chain_breaks
from apps.core.services import case_event_record

ROOT = Path(__file__).resolve().parents[2]
OLD_KEY = "old-audit-key-" + "1" * 40
NEW_KEY = "new-audit-key-" + "2" * 40


def _record(n, start=0, **extra):
    return [
        case_event_record(case_type="test.case", case_id=7, kind=f"step{i}", data={"i": i, "note": "说明"}, **extra)
        for i in range(start, start + n)
    ]


def _unkeyed_hash(event, *, legacy=False):
    """The product's hash before the key: what anyone with database access could recompute. `legacy`: the payload
    of the release before the key (no key id)."""
    payload = {
        "seq": event.seq,
        "case_type": event.case_type,
        "case_id": event.case_id,
        "kind": event.kind,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "at": event.at.isoformat(timespec="microseconds"),
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    if not legacy:
        payload["key_id"] = event.key_id
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def _rebuild_from(seq, sign, data=None):
    """An attacker's edit: change event `seq`, then recompute every later link and the head."""
    events = list(CaseEvent.objects.order_by("seq"))
    prev = GENESIS_HASH
    for event in events:
        if event.seq >= seq:
            if event.seq == seq and data is not None:
                event.data = data
            event.prev_hash = prev
            event.hash = sign(event)
            CaseEvent.objects.filter(pk=event.pk).update(data=event.data, prev_hash=event.prev_hash, hash=event.hash)
        prev = event.hash
    AuditHead.objects.filter(pk=1).update(hash=prev)


@pytest.mark.django_db
def test_each_event_records_the_key_that_signed_it_and_not_the_key():
    events = _record(3)
    assert {e.key_id for e in events} == {audit_key_id(settings.AUDIT_KEY)}
    assert settings.AUDIT_KEY not in canonical_json(list(CaseEvent.objects.values()))
    call_command("verify_audit")


@pytest.mark.django_db
def test_a_chain_rebuilt_with_the_unkeyed_hash_is_reported_at_the_first_rebuilt_row(capsys):
    events = _record(5)
    _rebuild_from(events[2].seq, _unkeyed_hash, data={"i": 99, "note": "改过"})
    breaks = list(audit_chain_breaks())
    assert breaks[0].seq == events[2].seq and "without the key" in breaks[0].reason
    with pytest.raises(CommandError, match=f"#{events[2].seq}"):
        call_command("verify_audit")
    assert f"BROKEN at event #{events[2].seq}" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_whole_chain_rebuilt_under_another_key_is_reported_at_its_first_row():
    events = _record(4)
    _rebuild_from(events[0].seq, lambda e: e.compute_hash(b"a key the attacker chose"))
    breaks = list(audit_chain_breaks())
    assert breaks[0].seq == events[0].seq and "HMAC" in breaks[0].reason
    with pytest.raises(CommandError, match=f"#{events[0].seq}"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_rotation_signs_new_rows_with_the_new_key_and_verifies_old_rows_with_the_old_one(settings):
    settings.AUDIT_KEY, settings.AUDIT_OLD_KEYS = OLD_KEY, []
    before = _record(2)
    settings.AUDIT_KEY, settings.AUDIT_OLD_KEYS = NEW_KEY, [OLD_KEY]
    after = _record(2, start=2)
    assert {e.key_id for e in before} == {audit_key_id(OLD_KEY)}
    assert {e.key_id for e in after} == {audit_key_id(NEW_KEY)}
    assert after[0].prev_hash == before[-1].hash
    call_command("verify_audit")

    settings.AUDIT_OLD_KEYS = []  # the old key forgotten: its rows can no longer be verified
    breaks = list(audit_chain_breaks())
    assert [b.seq for b in breaks] == [e.seq for e in before]
    assert "AUDIT_OLD_KEYS" in breaks[0].reason


@pytest.mark.django_db
def test_a_forged_key_id_is_reported():
    events = _record(2)
    CaseEvent.objects.filter(pk=events[1].pk).update(key_id="0" * 16)
    breaks = list(audit_chain_breaks())
    assert breaks[0].seq == events[1].seq and "'0000000000000000'" in breaks[0].reason


def _migration():
    return importlib.import_module("apps.core.migrations.0003_rechain_audit_under_key")


def _legacy_chain(n):
    """Events as the unkeyed release wrote them."""
    events = _record(n)
    CaseEvent.objects.update(key_id="")
    _rebuild_from(events[0].seq, lambda e: _unkeyed_hash(e, legacy=True))
    return events


@pytest.mark.django_db
def test_the_migration_re_signs_an_existing_unkeyed_chain():
    events = _legacy_chain(4)
    assert list(audit_chain_breaks())  # unkeyed rows do not pass as keyed ones
    _migration().forwards(django_apps, None)
    assert list(audit_chain_breaks()) == []
    assert set(CaseEvent.objects.values_list("key_id", flat=True)) == {audit_key_id(settings.AUDIT_KEY)}
    assert AuditHead.objects.get(pk=1).seq == events[-1].seq
    _record(1)  # the chain goes on from the re-signed head
    call_command("verify_audit")


@pytest.mark.django_db
def test_the_migration_refuses_to_re_sign_a_chain_already_broken(monkeypatch):
    events = _legacy_chain(3)
    CaseEvent.objects.filter(pk=events[1].pk).update(data={"i": 42})
    with pytest.raises(RuntimeError, match=f"event #{events[1].seq} does not match its hash"):
        _migration().forwards(django_apps, None)
    monkeypatch.setenv("AUDIT_RECHAIN_ACCEPT_BROKEN", "1")
    _migration().forwards(django_apps, None)
    assert list(audit_chain_breaks()) == []


def test_local_settings_generate_one_key_per_installation_and_keep_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AUDIT_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", "VAR_DIR": str(tmp_path)})
    script = "import django; django.setup(); from django.conf import settings; print(settings.AUDIT_KEY)"

    def key():
        result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    first = key()
    assert len(first) == 64 and key() == first
    path = tmp_path / "audit.key"
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    env["AUDIT_KEY"] = NEW_KEY
    assert key() == NEW_KEY
