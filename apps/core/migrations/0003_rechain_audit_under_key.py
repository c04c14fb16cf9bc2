"""Re-sign the events written before the chain was keyed: each hash becomes the HMAC-SHA256 under AUDIT_KEY.

The old, unkeyed chain is verified first; if it is already broken the migration stops and names the first bad event
(a rebuilt chain would bury the evidence), unless AUDIT_RECHAIN_ACCEPT_BROKEN=1 says the break has been investigated.
The hash functions are frozen here as they were at this migration."""

import hashlib
import hmac
import json
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

GENESIS_HASH = "0" * 64
BATCH = 2000


def _canonical(value):
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _payload(event, *, keyed):
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
    if keyed:
        payload["key_id"] = event.key_id
    return _canonical(payload)


def _unkeyed(event):
    return hashlib.sha256(_payload(event, keyed=False).encode()).hexdigest()


def _key():
    secret = getattr(settings, "AUDIT_KEY", "")
    if not secret:
        raise ImproperlyConfigured("Set AUDIT_KEY before migrating: the existing audit events are re-signed with it.")
    raw = secret.encode()
    return hmac.new(raw, b"credit-repair audit key id", hashlib.sha256).hexdigest()[:16], raw


def _keyed(event, raw):
    return hmac.new(raw, _payload(event, keyed=True).encode(), hashlib.sha256).hexdigest()


def _rechain(apps, *, check, sign):
    CaseEvent = apps.get_model("core", "CaseEvent")
    AuditHead = apps.get_model("core", "AuditHead")
    accept_broken = os.environ.get("AUDIT_RECHAIN_ACCEPT_BROKEN", "") == "1"
    expected_seq, old_prev, new_prev, last = 1, GENESIS_HASH, GENESIS_HASH, 0
    while True:
        batch = list(CaseEvent.objects.filter(seq__gt=last).order_by("seq")[:BATCH])
        if not batch:
            break
        for event in batch:
            problem = None
            if event.seq != expected_seq:
                problem = f"event #{expected_seq} is missing"
            elif event.prev_hash != old_prev:
                problem = f"event #{event.seq} does not link to the one before"
            elif not check(event):
                problem = f"event #{event.seq} does not match its hash"
            if problem and not accept_broken:
                raise RuntimeError(
                    f"The audit chain is broken before re-signing: {problem}. Investigate it (verify_audit on the "
                    "previous release); AUDIT_RECHAIN_ACCEPT_BROKEN=1 re-signs it anyway. docs/audit.md"
                )
            old_prev, expected_seq = event.hash, event.seq + 1
            event.prev_hash = new_prev
            event.hash = sign(event)
            new_prev = event.hash
        CaseEvent.objects.bulk_update(batch, ["prev_hash", "hash", "key_id"])
        last = batch[-1].seq
    if last:
        AuditHead.objects.update_or_create(pk=1, defaults={"seq": last, "hash": new_prev})


def forwards(apps, schema_editor):
    if not apps.get_model("core", "CaseEvent").objects.exists():
        return
    key_id, raw = _key()

    def sign(event):
        event.key_id = key_id
        return _keyed(event, raw)

    _rechain(apps, check=lambda event: _unkeyed(event) == event.hash, sign=sign)


def backwards(apps, schema_editor):
    if not apps.get_model("core", "CaseEvent").objects.exists():
        return
    key_id, raw = _key()

    def sign(event):
        event.key_id = ""
        return _unkeyed(event)

    _rechain(apps, check=lambda event: event.key_id == key_id and _keyed(event, raw) == event.hash, sign=sign)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_caseevent_key_id"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
