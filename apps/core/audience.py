"""Who reads a case, and the shapes every case read shares (repairs, objections).

A case read is built for the person asking. A party (the filer, a representative of the subject, a joined party)
sees its own filing and documents, the letters addressed to it, deadlines and pauses, the decision with its reasons
and a history of outward events in plain words, with the department and role instead of a person. Staff of the
handling department and the credit office see the case in full. Each app's selector decides the audience together
with access (`<case>_view_for(user=, ...)`); each API view has one Output serializer per audience, so the party's
simply has no internal field.
"""

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class Audience(enum.StrEnum):
    PARTY = "party"  # the filer, a representative of the subject, a joined party
    STAFF = "staff"  # the handling department (object permission on the case)
    OFFICE = "office"  # the credit office and administrators (global permission): every department's cases

    @property
    def internal(self) -> bool:
        """Staff and the office see internal notes, proposals, reviews, usernames and every party's filing."""
        return self is not Audience.PARTY


class OutwardKind(models.TextChoices):
    """What a party is told happened, whatever the kind of case."""

    FILED = "filed", _("提交")
    ACCEPTED = "accepted", _("受理")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("告知补正")
    SUPPLEMENT_ANSWERED = "supplement_answered", _("提交补正")
    DECIDED = "decided", _("作出决定")
    EXECUTED = "executed", _("执行决定")
    LETTER_ISSUED = "letter_issued", _("出具文书")
    CLOSED = "closed", _("办结")


@dataclass(frozen=True)
class OutwardEvent:
    """One line of a party's history: when, what (in plain words) and who (a department and role, never a name)."""

    at: datetime
    kind: str
    label: str
    actor: str


@dataclass(frozen=True)
class StaffEvent:
    """One line of the full history staff read: the audit event with who did it and its data."""

    seq: int
    at: datetime
    kind: str
    label: str
    actor: str
    actor_name: str
    data: dict[str, Any] = field(default_factory=dict)


class OutwardEventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=OutwardKind.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
    actor = serializers.CharField(help_text=_("部门和角色，不含工作人员姓名或账号"))


class StaffEventOutput(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
    actor = serializers.CharField(help_text=_("操作人账号"))
    actor_name = serializers.CharField(help_text=_("操作人姓名"))
    data = serializers.JSONField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class


class CodeNameOutput(serializers.Serializer):
    """A department or a subject: its code and its name."""

    code = serializers.CharField()
    name = serializers.CharField()


class SubjectRefOutput(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()
