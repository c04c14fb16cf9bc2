"""Reads of the letters app, and the only ways an interface obtains a letter or a batch."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import ApplicationError
from apps.letters.models import Letter, LetterBatch, LetterBundle, LetterTemplate
from apps.subjects.models import Subject
from apps.subjects.uscc import is_legal_person_or_organisation

logger = logging.getLogger(__name__)

LETTER_NOT_RENDERED = "letter_not_rendered"
TEMPLATE_MISSING = "letter_template_missing"


def owner_key(owner: models.Model | tuple[str, int]) -> tuple[str, int]:
    """(app_label.modelname, pk) of what a letter belongs to."""
    if isinstance(owner, models.Model):
        if owner.pk is None:
            raise ValueError("letter owner must be saved")
        return owner._meta.label_lower, int(owner.pk)
    owner_type, owner_id = owner
    return str(owner_type), int(owner_id)


def letter_template_in_force(*, code: str, on: date) -> LetterTemplate:
    """The newest active version whose effective date is on or before `on`."""
    template = (
        LetterTemplate.objects.filter(code=code, is_active=True, effective_from__lte=on)
        .order_by("-effective_from", "-version")
        .first()
    )
    if template is None:
        raise ApplicationError(
            TEMPLATE_MISSING,
            _("%(date)s 没有启用的文书模板 %(code)s，请管理员在文书模板目录中补充。")
            % {"date": on.isoformat(), "code": code},
            extra={"template": code},
            status_code=422,
        )
    return template


def letters_for_owner(*, owner: models.Model | tuple[str, int]) -> QuerySet[Letter]:
    owner_type, owner_id = owner_key(owner)
    return Letter.objects.filter(owner_type=owner_type, owner_id=owner_id).order_by("id")


def _in_department_group(user: User, department_id: int | None) -> bool:
    if not department_id:
        return False
    return bool(user.groups.filter(department__pk=department_id).exists())


def can_view_letter(*, user: User, letter: Letter) -> bool:
    """Monitors and administrators (global letters.view_letter); the issuing department's members (its group);
    the recipient subject's representatives (guardian subjects.view_subject on that Subject)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm("letters.view_letter"):
        return True
    if _in_department_group(user, letter.department_id):
        return True
    if letter.recipient_uscc:
        subject = Subject.objects.filter(uscc=letter.recipient_uscc).first()
        if subject is not None and user.has_perm("subjects.view_subject", subject):
            return True
    return False


def access_letter_by_id(*, user: User, letter_id: int) -> Letter:
    """The only way an interface obtains a Letter. Missing and forbidden are indistinguishable (404)."""
    letter = Letter.objects.select_related("template", "department").filter(pk=letter_id).first()
    if letter is None or not can_view_letter(user=user, letter=letter):
        raise Letter.DoesNotExist
    return letter


def access_letter_batch_by_id(*, user: User, batch_id: int) -> LetterBatch:
    """Its creator, the department it was made for, and whoever may see all batches (letters.view_letterbatch)."""
    batch = LetterBatch.objects.select_related("department").filter(pk=batch_id).first()
    if batch is None or not user.is_authenticated:
        raise LetterBatch.DoesNotExist
    if not (
        user.has_perm("letters.view_letterbatch")
        or batch.created_by_id == user.pk
        or _in_department_group(user, batch.department_id)
    ):
        raise LetterBatch.DoesNotExist
    return batch


def masked_recipient_name(letter: Letter) -> str:
    """Enterprise names are public; an individual business is often named after its operator, so mask it."""
    if not letter.recipient_uscc:
        return ""
    name = letter.recipient_name
    if is_legal_person_or_organisation(letter.recipient_uscc) or len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


def letter_public_summary(*, letter: Letter) -> dict[str, Any]:
    """What the verification page shows: the letter's identity and the template's public fields only."""
    fields = [
        {"key": item["key"], "label": item.get("label", item["key"]), "value": letter.context.get(item["key"])}
        for item in letter.template.public_fields
        if item.get("key") in letter.context
    ]
    return {
        "valid": True,
        "code": letter.verification_code,
        "template": letter.code,
        "template_version": letter.template_version,
        "title": letter.title,
        "issued_at": timezone.localtime(letter.rendered_at).isoformat() if letter.rendered_at else None,
        "issuer_department": letter.department.name if letter.department else "",
        "recipient": {"name": masked_recipient_name(letter), "uscc": letter.recipient_uscc},
        "summary": {item["key"]: item["value"] for item in fields},
        "summary_fields": fields,
        "sha256": letter.sha256,
    }


def letter_bundle_containing(*, letter: Letter, sha256: str) -> LetterBundle | None:
    """The registered bundle that is exactly the file with this hash and holds this letter, if there is one."""
    return (
        LetterBundle.objects.filter(sha256=sha256, parts__letter=letter)
        .prefetch_related("parts__letter")
        .distinct()
        .first()
    )


def bundle_public_summary(*, bundle: LetterBundle) -> dict[str, Any]:
    """What the verification page shows of a bundle: its title, size in pages and the documents inside, each with
    its verification code when it is a letter (codes printed on the file itself)."""
    return {
        "title": bundle.title,
        "sha256": bundle.sha256,
        "page_count": bundle.page_count,
        "parts": [
            {
                "position": part.position,
                "title": part.title,
                "code": part.letter.verification_code if part.letter else None,
                "template": part.letter.code if part.letter else None,
            }
            for part in bundle.parts.all()
        ],
    }


@dataclass(frozen=True)
class StoredFile:
    path: Path
    sha256: str


def storage_root() -> Path:
    return Path(str(settings.PRIVATE_STORAGE_ROOT))


def letter_file(*, letter: Letter) -> StoredFile:
    """The stored PDF, checked against its recorded hash before anyone is given it."""
    if letter.status != Letter.Status.RENDERED or not letter.file_path:
        raise ApplicationError(
            LETTER_NOT_RENDERED, _("文书尚未生成。"), extra={"status": letter.status}, status_code=409
        )
    root = storage_root().resolve()
    path = (root / letter.file_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise ApplicationError("letter_file_missing", _("文书文件缺失，请联系管理员。"), status_code=409)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != letter.sha256:
        logger.error("letter %s: stored file %s does not match its recorded sha256", letter.pk, path)
        raise ApplicationError("letter_file_corrupt", _("文书文件与登记的摘要不一致，请联系管理员。"), status_code=409)
    return StoredFile(path=path, sha256=digest)


def letter_file_bytes(*, letter: Letter) -> bytes:
    return letter_file(letter=letter).path.read_bytes()
