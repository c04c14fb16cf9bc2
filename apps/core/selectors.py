"""Reads of the core app: case histories and the audit-chain check."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet

from apps.core.auditkeys import audit_keys_known
from apps.core.models import GENESIS_HASH, AuditHead, CaseEvent


def case_events(*, case: models.Model) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case_type=case._meta.label_lower, case_id=case.pk).order_by("seq")


@dataclass(frozen=True)
class AuditBreak:
    seq: int
    reason: str


def audit_chain_breaks(*, chunk_size: int = 5000) -> Iterator[AuditBreak]:
    """Walk the chain in order and yield every broken link: an edited row, a removed row, a cut-off tail, a row
    signed by an unknown key, a chain recomputed without the audit key (or with another one)."""
    keys = audit_keys_known()
    expected_seq, prev_hash = 1, GENESIS_HASH
    for event in CaseEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            yield AuditBreak(expected_seq, f"event #{expected_seq} is missing (next present is #{event.seq})")
        if event.prev_hash != prev_hash:
            yield AuditBreak(
                event.seq, "prev_hash does not match the previous event: a row before it was changed or removed"
            )
        key = keys.get(event.key_id)
        if key is None:
            yield AuditBreak(
                event.seq,
                f"signed with audit key {event.key_id!r}, which is neither AUDIT_KEY nor in AUDIT_OLD_KEYS: "
                "the key is missing from the settings, or the row was forged",
            )
        elif event.compute_hash(key.secret) != event.hash:
            yield AuditBreak(
                event.seq,
                f"hash is not the HMAC of the row under audit key {event.key_id}: the row was edited, "
                "or the chain was recomputed without the key",
            )
        expected_seq, prev_hash = event.seq + 1, event.hash
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        yield AuditBreak(
            expected_seq, f"the chain ends at #{expected_seq - 1} but its head says #{head.seq}: events were removed"
        )
