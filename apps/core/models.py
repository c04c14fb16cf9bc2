"""The append-only, hash-chained case history shared by every domain app."""

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.auditkeys import audit_hmac

GENESIS_HASH = "0" * 64


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


def canonical_json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def normalise_data(value: Any) -> Any:
    """What a JSON column gives back for `value`: dates become strings, tuples lists. Hash what is stored."""
    return json.loads(canonical_json(value if value is not None else {}))


class AuditHead(models.Model):
    """One row: the last link of the chain. Locked for update while a link is appended, so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class CaseEvent(models.Model):
    """A state change of a case or a record. Rows are never updated or deleted; each hashes the one before."""

    seq = models.BigIntegerField(_("序号"), unique=True)
    case_type = models.CharField(_("对象类型"), max_length=64)
    case_id = models.BigIntegerField(_("对象编号"))
    kind = models.CharField(_("事件"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"))
    data = models.JSONField(_("内容"), default=dict, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # The audit key that signed `hash` (apps.core.auditkeys): a fingerprint, never the key itself.
    key_id = models.CharField(_("审计密钥标识"), max_length=16)

    class Meta:
        verbose_name = _("案件事件")
        verbose_name_plural = _("案件事件")
        ordering = ["seq"]
        indexes = [models.Index(fields=["case_type", "case_id", "seq"], name="core_event_case_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.case_type}:{self.case_id} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise RuntimeError("Case events are append-only.")

    def hash_payload(self) -> str:
        """The text the HMAC signs: every column but the hash itself, the key id included."""
        payload = {
            "seq": self.seq,
            "case_type": self.case_type,
            "case_id": self.case_id,
            "kind": self.kind,
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "at": self.at.isoformat(timespec="microseconds"),
            "data": self.data,
            "prev_hash": self.prev_hash,
            "key_id": self.key_id,
        }
        return canonical_json(payload)

    def compute_hash(self, secret: bytes) -> str:
        """HMAC-SHA256 of the row under the audit key `secret` (the key named by `key_id`)."""
        return audit_hmac(secret, self.hash_payload())


class IdempotencyKey(models.Model):
    """The first result of a submission sent with an Idempotency-Key header, per user and key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    scope = models.CharField(_("接口"), max_length=100)
    fingerprint = models.CharField(max_length=64, help_text=_("请求内容的 SHA-256"))
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        # The table and constraint keep the names they had when the model lived in apps.casework (moved in state
        # only: core 0004, casework 0005).
        db_table = "casework_idempotencykey"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="casework_idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class OutboxMessage(models.Model):
    """A piece of background work (a Celery task by its dotted name, with JSON keyword arguments) recorded in the
    same transaction as the change that causes it, and published to the broker after the commit (apps.core.outbox).
    A row without `sent_at` is work still owed: the relay publishes it, with backoff, once the broker answers."""

    task = models.CharField(_("任务"), max_length=200)
    kwargs = models.JSONField(_("参数"), default=dict)
    dedup_key = models.CharField(_("去重键"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    available_at = models.DateTimeField(_("下次发送不早于"))
    locked_until = models.DateTimeField(_("发送锁定至"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近一次错误"), blank=True, default="")

    class Meta:
        verbose_name = _("待发后台任务")
        verbose_name_plural = _("待发后台任务")
        constraints = [
            # the same work is owed once: a second request for it while the first is unsent adds nothing
            models.UniqueConstraint(
                fields=["dedup_key"],
                condition=models.Q(sent_at__isnull=True) & ~models.Q(dedup_key=""),
                name="core_outbox_one_pending_per_key",
            )
        ]
        indexes = [
            # the relay's scan: unsent rows by the moment they are due (a partial index stays as small as the backlog)
            models.Index(
                fields=["available_at"], condition=models.Q(sent_at__isnull=True), name="core_outbox_pending_due"
            ),
            models.Index(fields=["sent_at"], name="core_outbox_sent"),  # the clean-up of old sent rows
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
