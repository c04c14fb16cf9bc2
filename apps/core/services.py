"""Writes of the core app: appending to the audit chain."""

from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from apps.core.auditkeys import audit_key_current
from apps.core.models import AuditHead, CaseEvent, normalise_data


def case_label(case: models.Model) -> str:
    return case._meta.label_lower


@transaction.atomic
def case_event_record(
    *,
    kind: str,
    case: models.Model | None = None,
    case_type: str | None = None,
    case_id: int | None = None,
    acting_user: AbstractBaseUser | AnonymousUser | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    """Append one event to the chain. Call it inside the transaction that makes the change it describes."""
    if case is not None:
        case_type, case_id = case_label(case), case.pk
    if not case_type or case_id is None:
        raise ValueError("case_event_record needs a saved case or case_type and case_id")
    key = audit_key_current()
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    # A signed-in person of AUTH_USER_MODEL; anonymous and system changes have no actor.
    actor = acting_user if isinstance(acting_user, get_user_model()) else None
    moment = (at or timezone.now()).astimezone(UTC)
    event = CaseEvent(
        seq=head.seq + 1,
        case_type=case_type,
        case_id=case_id,
        kind=kind,
        actor=actor,
        actor_label=actor.get_username() if actor else "system",
        at=moment,
        data=normalise_data(data),
        prev_hash=head.hash,
        key_id=key.key_id,
    )
    event.hash = event.compute_hash(key.secret)
    event.save()
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event
