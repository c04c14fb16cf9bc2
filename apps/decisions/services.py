"""Writes of the decisions app: registering decisions (one, a list, a file), the 两书同达 notice, the bundle PDF
and the delivery record."""

import hashlib
import io
import os
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.core import clock
from apps.core.errors import ApplicationError, ConflictError
from apps.core.i18n import in_office_language, office_language
from apps.core.services import case_event_record
from apps.decisions import importing
from apps.decisions.models import DecisionImport, DeliveryMethod, PenaltyDecision
from apps.letters.models import Letter, LetterBatch, TemplateCode
from apps.letters.pdf import merge_pdfs
from apps.letters.selectors import letter_file_bytes, storage_root
from apps.letters.services import (
    letter_batch_create,
    letter_batch_start,
    letter_bundle_register,
    letter_create,
    letter_delivery_record,
    letter_render,
)
from apps.rules.selectors import repair_material_rules
from apps.subjects.models import NegativeRecord, Subject
from apps.subjects.services import record_create, subject_create
from apps.subjects.uscc import validate_uscc

DECISION_DUPLICATE = "decision_duplicate"
NOTICE_NOT_READY = "notice_not_ready"
DEFAULT_MAX_IMPORT_ROWS = 5000

# Subject type from the code's registration authority and category (GB 32100), for subjects first seen in a decision.
TYPE_FROM_USCC = {
    ("9", "1"): Subject.Type.ENTERPRISE,
    ("9", "2"): Subject.Type.INDIVIDUAL_BUSINESS,
    ("9", "3"): Subject.Type.COOPERATIVE,
    ("N", "2"): Subject.Type.COOPERATIVE,
    ("N", "3"): Subject.Type.INDIVIDUAL_BUSINESS,
    ("1", "2"): Subject.Type.PUBLIC_INSTITUTION,
    ("5", "1"): Subject.Type.SOCIAL_ORGANISATION,
    ("5", "2"): Subject.Type.SOCIAL_ORGANISATION,
    ("5", "3"): Subject.Type.SOCIAL_ORGANISATION,
}


class DuplicateDecision(ConflictError):
    def __init__(self, decision: PenaltyDecision) -> None:
        super().__init__(
            DECISION_DUPLICATE,
            _("%(department)s的%(kind)s“%(no)s”已经登记，不重复导入。")
            % {"department": decision.department.name, "kind": decision.get_kind_display(), "no": decision.decision_no},
            extra={"decision": decision.pk},
        )
        self.decision = decision


def subject_type_for(uscc: str) -> str:
    return TYPE_FROM_USCC.get((uscc[0], uscc[1]), Subject.Type.OTHER)


def needs_notice(subject: Subject) -> bool:
    """两书同达 is owed to legal persons and unincorporated organisations: both the subject's type and the code's
    category must say so (an individual business, 个体工商户, gets none)."""
    return subject.is_legal_person_or_organisation


def can_register_for(*, user: User, department: Department) -> bool:
    if user.has_perm("decisions.import_any_department"):
        return True
    return user.has_perm("decisions.add_penaltydecision") and user.department_id == department.pk


def local_portal_name() -> str:
    return getattr(settings, "LETTERS_LOCAL_PORTAL", _("本地信用门户网站"))


def repair_materials(*, decision: PenaltyDecision) -> list[str]:
    """What an application needs, from the rule rows in force on the decision date (training and a credit report
    only where a rule requires them)."""
    materials = [
        _("信用修复申请书"),
        _("信用修复承诺书"),
        _("已履行%(kind)s规定义务的证明材料（如罚没款缴纳凭证）") % {"kind": decision.get_kind_display()},
        _("已纠正失信行为、消除不良影响的说明及证明材料"),
        _("营业执照（登记证书）复印件和经办人身份证明"),
    ]
    needs = repair_material_rules(
        on=decision.decision_date,
        record_kind=decision.record_kind,
        severity=decision.severity,
        sector=decision.department.sector,
        region_code=decision.department.region_code,
    )
    if needs.requires_training:
        materials.append(_("参加信用修复专题培训的证明"))
    if needs.requires_credit_report:
        materials.append(_("信用报告"))
    return materials


@in_office_language
def repair_notice_context(*, decision: PenaltyDecision) -> dict[str, Any]:
    """The data the 信用修复告知书 prints (and keeps as its snapshot)."""
    record = decision.record
    assert record is not None, "a registered decision has its record"  # the notice is made after registration
    return {
        "subject_name": decision.subject.name,
        "subject_uscc": decision.subject.uscc,
        "decision_no": decision.decision_no,
        "decision_date": decision.decision_date,
        "decision_kind": decision.kind,
        "decision_kind_label": decision.get_kind_display(),
        "record_kind_label": record.get_kind_display(),
        "severity": decision.severity,
        "severity_label": decision.get_severity_display(),
        "published": record.publication_status == NegativeRecord.PublicationStatus.PUBLISHED,
        "publish_from": record.publish_from,
        "repair_earliest": record.repair_earliest,
        "publish_until": record.publish_until,
        "period_rule_source": record.period_rule_source,
        "local_portal": local_portal_name(),
        "counter": _("%(department)s政务服务窗口") % {"department": decision.department.name},
        "materials": repair_materials(decision=decision),
    }


@in_office_language
def decision_letter_context(*, decision: PenaltyDecision) -> dict[str, Any]:
    return {
        "subject_name": decision.subject.name,
        "subject_uscc": decision.subject.uscc,
        "subject_address": decision.subject.address,
        "legal_representative": decision.subject.legal_representative,
        "decision_no": decision.decision_no,
        "decision_date": decision.decision_date,
        "decision_kind": decision.kind,
        "decision_kind_label": decision.get_kind_display(),
        "severity_label": decision.get_severity_display(),
        "facts": decision.facts,
        "legal_basis": decision.legal_basis,
        "penalty_types": decision.penalty_types,
        "fine_amount": decision.fine_amount,
    }


@transaction.atomic
def decision_register(
    *,
    department: Department,
    kind: str,
    decision_no: str,
    decision_date: date,
    uscc: str,
    subject_name: str,
    severity: str,
    subject_type: str | None = None,
    penalty_types: Iterable[str] = (),
    facts: str = "",
    legal_basis: str = "",
    fine_amount: Decimal | None = None,
    legal_representative: str = "",
    address: str = "",
    delivery_method: str = "",
    delivered_on: date | None = None,
    delivery_receipt: str = "",
    notice_delivered: bool | None = None,
    batch: Callable[[], LetterBatch] | None = None,
    import_job: DecisionImport | None = None,
    acting_user: User | None,
) -> PenaltyDecision:
    """Register a decision: the subject (created if the code is new), the negative record (its publication window
    from the rule rows), and for a legal person or organisation the 信用修复告知书, rendered by `batch`'s job or its
    own task (`batch` gives the batch when a notice needs one, so an import whose rows need no notice leaves no
    empty batch). Raises DuplicateDecision if (department, decision number, kind) is already registered."""
    existing = (
        PenaltyDecision.objects.select_related("department")
        .filter(department=department, decision_no=decision_no, kind=kind)
        .first()
    )
    if existing is not None:
        raise DuplicateDecision(existing)
    code = validate_uscc(uscc).code
    subject = Subject.objects.filter(uscc=code).first()
    if subject is None:
        subject = subject_create(
            uscc=code,
            name=subject_name,
            type=subject_type or subject_type_for(code),
            legal_representative=legal_representative,
            address=address,
            acting_user=acting_user,
        )
    decision = PenaltyDecision(
        kind=kind,
        subject=subject,
        department=department,
        decision_no=decision_no,
        decision_date=decision_date,
        severity=severity,
        penalty_types=list(penalty_types),
        facts=facts,
        legal_basis=legal_basis,
        fine_amount=fine_amount,
        notice_required=needs_notice(subject),
        import_job=import_job,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    record = NegativeRecord.objects.filter(
        department=department, decision_no=decision_no, kind=decision.record_kind
    ).first()
    if record is None:
        record = record_create(
            subject=subject,
            kind=decision.record_kind,
            severity=severity,
            department=department,
            decision_no=decision_no,
            decision_date=decision_date,
            penalty_types=decision.penalty_types,
            facts=facts,
            legal_basis=legal_basis,
            fine_amount=fine_amount,
            acting_user=acting_user,
        )
    elif record.subject_id != subject.pk:
        raise ApplicationError(
            "record_subject_mismatch",
            _("同一文书号的失信信息属于另一主体（%(uscc)s）。") % {"uscc": record.subject.uscc},
            fields={"uscc": [_("与已登记的失信信息主体不一致。")]},
        )
    decision.record = record
    decision.full_clean(
        exclude=["record", "notice", "decision_letter", "import_job", "created_by", "delivery_recorded_by"]
    )
    decision.save()
    case_event_record(
        case=decision,
        kind="decision_registered",
        acting_user=acting_user,
        data={
            "kind": kind,
            "decision_no": decision_no,
            "department": department.code,
            "subject": subject.uscc,
            "record": record.pk,
            "notice_required": decision.notice_required,
        },
    )
    if decision.notice_required:
        decision.notice = letter_create(
            template_code=TemplateCode.REPAIR_NOTICE,
            owner=decision,
            recipient=subject,
            context=repair_notice_context(decision=decision),
            department=department,
            batch=batch() if batch is not None else None,
            acting_user=acting_user,
        )
        decision.save(update_fields=["notice", "updated_at"])
    if delivered_on is not None:
        decision_delivery_record(
            decision=decision,
            method=delivery_method,
            delivered_on=delivered_on,
            receipt=delivery_receipt,
            notice_delivered=notice_delivered,
            acting_user=acting_user,
            historical=True,
        )
    return decision


def _row_department(*, values: dict[str, Any], user: User, errors: list[importing.FieldError]) -> Department | None:
    code = values.get("department")
    if code:
        department = Department.objects.filter(code=code, is_active=True).first()
        if department is None:
            errors.append(
                importing.FieldError("department", "unknown", _("没有编码为“%(code)s”的部门。") % {"code": code})
            )
            return None
    elif user.department:
        department = user.department
    else:
        errors.append(importing.FieldError("department", "required", _("必填（当前用户不属于任何部门）。")))
        return None
    if not can_register_for(user=user, department=department):
        errors.append(
            importing.FieldError(
                "department", "forbidden", _("无权为%(name)s登记处罚决定。") % {"name": department.name}
            )
        )
        return None
    return department


def _errors_of(exc: Exception) -> list[importing.FieldError]:
    if isinstance(exc, ApplicationError):
        if exc.fields:
            return [
                importing.FieldError(field, exc.code, str(msgs[0] if isinstance(msgs, list) else msgs))
                for field, msgs in exc.fields.items()
            ]
        return [importing.FieldError("", exc.code, exc.detail)]
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [
                importing.FieldError("" if field == "__all__" else field, "invalid", str(messages[0]))
                for field, messages in exc.message_dict.items()
            ]
        return [importing.FieldError("", "invalid", str(exc.messages[0]))]
    raise exc


def decisions_import(
    *, rows: Iterable[tuple[int, dict[str, Any]]], source: str, acting_user: User, filename: str = ""
) -> DecisionImport:
    """Register many decisions. Each row is its own transaction: a bad row is reported with its line, field and
    reason and never blocks the good ones; a row already registered counts as a duplicate and changes nothing, so
    importing the same file twice creates nothing the second time. The notices go into one letter batch."""
    job = DecisionImport.objects.create(source=source, filename=filename[:200], created_by=acting_user)
    batch: LetterBatch | None = None

    def notice_batch() -> LetterBatch:
        """The import's one batch, created with its first notice: duplicates and natural persons create none."""
        nonlocal batch
        if batch is None:
            batch = letter_batch_create(
                kind=TemplateCode.REPAIR_NOTICE,
                acting_user=acting_user,
                department=department,
                description=_("两书同达：处罚决定导入 #%(id)d 的信用修复告知书") % {"id": job.pk},
            )
        return batch

    for line, raw in rows:
        job.total_rows += 1
        values, errors = importing.parse_row(raw)
        department = _row_department(values=values, user=acting_user, errors=errors)
        if not errors and department is not None:  # no department comes with an error
            try:
                decision_register(
                    department=department,
                    batch=notice_batch,
                    import_job=job,
                    acting_user=acting_user,
                    **_register_kwargs(values),
                )
                job.created_count += 1
            except DuplicateDecision as dup:
                job.duplicate_count += 1
                job.duplicates.append(
                    {"line": line, "decision": dup.decision.pk, "decision_no": dup.decision.decision_no}
                )
                continue
            except (ApplicationError, ValidationError) as exc:
                errors = _errors_of(exc)
            except IntegrityError:  # registered by a concurrent import between our check and our insert
                errors = [
                    importing.FieldError("decision_no", "conflict", _("该决定正在被另一导入同时登记，请稍后重试。"))
                ]
        if errors:
            if batch is not None and not LetterBatch.objects.filter(pk=batch.pk).exists():
                batch = None  # created by this row and rolled back with it
            job.error_count += 1
            job.errors.extend({"line": line, "field": e.field, "code": e.code, "message": e.message} for e in errors)
    if batch is not None:
        job.letter_batch = batch
    job.save(
        update_fields=[
            "total_rows",
            "created_count",
            "duplicate_count",
            "error_count",
            "errors",
            "duplicates",
            "letter_batch",
            "updated_at",
        ]
    )
    case_event_record(
        case=job,
        kind="decisions_imported",
        acting_user=acting_user,
        data={
            "source": source,
            "filename": filename,
            "rows": job.total_rows,
            "created": job.created_count,
            "duplicates": job.duplicate_count,
            "errors": job.error_count,
            "batch": batch.pk if batch else None,
        },
    )
    if batch is not None:
        letter_batch_start(batch=batch, acting_user=acting_user)
    return job


def _register_kwargs(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key != "department"}


def max_import_rows() -> int:
    return int(getattr(settings, "DECISIONS_IMPORT_MAX_ROWS", DEFAULT_MAX_IMPORT_ROWS))


def decisions_import_file(*, name: str, data: bytes, acting_user: User) -> DecisionImport:
    """A CSV (UTF-8 or GBK) or XLSX file with one decision per row; see docs/letters.md for the columns."""
    source, rows = importing.read_upload(name, data, max_rows=max_import_rows())
    return decisions_import(rows=rows, source=source, filename=name, acting_user=acting_user)


def decision_register_one(*, data: dict[str, Any], acting_user: User) -> PenaltyDecision:
    """One decision from the API: the row checks of an import, errors as a 400 with the fields."""
    values, errors = importing.parse_row(data)
    department = _row_department(values=values, user=acting_user, errors=errors)
    if errors:
        fields: dict[str, list[str]] = {}
        for error in errors:
            fields.setdefault(error.field or "non_field_errors", []).append(error.message)
        first = errors[0]
        raise ApplicationError("invalid", f"{first.field}: {first.message}", fields=fields)
    assert department is not None, "no department comes with an error"
    return decision_register(department=department, acting_user=acting_user, **_register_kwargs(values))


# Delivery and the bundle ------------------------------------------------------------------------------------------


@transaction.atomic
def decision_delivery_record(
    *,
    decision: PenaltyDecision,
    method: str,
    delivered_on: date,
    receipt: str = "",
    notice_delivered: bool | None = None,
    acting_user: User | None,
    historical: bool = False,
) -> PenaltyDecision:
    """Record how and when the decision was delivered and whether the repair notice went with it (by the same
    method, the same day). By default it did when the notice exists: the bundle holds both. Saying it went along
    when there is no notice yet is refused (`historical` imports may state it for paper notices of the past)."""
    if method not in DeliveryMethod.values:
        raise ApplicationError("invalid", _("送达方式无效。"), fields={"method": [_("送达方式无效。")]})
    if delivered_on < decision.decision_date:
        raise ApplicationError(
            "invalid", _("送达日期不能早于决定日期。"), fields={"delivered_on": [_("送达日期不能早于决定日期。")]}
        )
    if delivered_on > clock.today():
        raise ApplicationError(
            "invalid", _("送达日期不能晚于今天。"), fields={"delivered_on": [_("送达日期不能晚于今天。")]}
        )
    notice = Letter.objects.filter(pk=decision.notice_id).first() if decision.notice_id else None
    if not decision.notice_required:
        notice_delivered = None
    elif notice_delivered is None:
        notice_delivered = notice is not None and notice.status == Letter.Status.RENDERED
    elif notice_delivered and not historical and (notice is None or notice.status != Letter.Status.RENDERED):
        raise ApplicationError(
            NOTICE_NOT_READY,
            _("信用修复告知书尚未生成，不能登记为同时送达。"),
            fields={"notice_delivered": [_("告知书尚未生成。")]},
            status_code=409,
        )
    before = {
        "method": decision.delivery_method,
        "delivered_on": decision.delivered_on,
        "notice_delivered": decision.notice_delivered,
    }
    decision.delivery_method, decision.delivered_on, decision.delivery_receipt = method, delivered_on, receipt
    decision.notice_delivered = notice_delivered
    decision.delivery_recorded_at = timezone.now()
    decision.delivery_recorded_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    decision.save(
        update_fields=[
            "delivery_method",
            "delivered_on",
            "delivery_receipt",
            "notice_delivered",
            "delivery_recorded_at",
            "delivery_recorded_by",
            "updated_at",
        ]
    )
    if notice_delivered and notice is not None and notice.status == Letter.Status.RENDERED:
        letter_delivery_record(
            letter=notice, method=method, delivered_on=delivered_on, receipt=receipt, acting_user=acting_user
        )
    case_event_record(
        case=decision,
        kind="decision_delivered",
        acting_user=acting_user,
        data={
            "before": before,
            "method": method,
            "delivered_on": delivered_on,
            "receipt": receipt,
            "notice_delivered": notice_delivered,
            "notice": decision.notice_id,
        },
    )
    return decision


def _store_private(relative: str, data: bytes) -> None:
    target = storage_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def _check_pdf(data: bytes) -> int:
    if not data.startswith(b"%PDF-"):
        raise ApplicationError("invalid_pdf", _("不是 PDF 文件。"), fields={"file": [_("不是 PDF 文件。")]})
    try:
        return len(pypdf.PdfReader(io.BytesIO(data)).pages)
    except Exception:
        raise ApplicationError(
            "invalid_pdf", _("PDF 文件已损坏或无法读取。"), fields={"file": [_("PDF 文件无法读取。")]}
        ) from None


@transaction.atomic
def decision_document_upload(*, decision: PenaltyDecision, data: bytes, acting_user: User) -> PenaltyDecision:
    """Keep the signed decision PDF; the bundle is rebuilt from it."""
    pages = _check_pdf(data)
    digest = hashlib.sha256(data).hexdigest()
    relative = f"decisions/{decision.pk}/decision-{digest[:16]}.pdf"
    _store_private(relative, data)
    decision.document_path, decision.document_sha256 = relative, digest
    decision.bundle_path, decision.bundle_sha256 = "", ""
    decision.save(update_fields=["document_path", "document_sha256", "bundle_path", "bundle_sha256", "updated_at"])
    case_event_record(
        case=decision,
        kind="decision_document_uploaded",
        acting_user=acting_user,
        data={"sha256": digest, "pages": pages},
    )
    return decision


def _decision_part(*, decision: PenaltyDecision, acting_user: User | None) -> tuple[bytes, Letter | str]:
    """The decision's PDF for the bundle, and what it is: the generated decision letter, or (an uploaded original,
    not a letter) its title."""
    if decision.document_path:
        data = (storage_root() / decision.document_path).read_bytes()
        if hashlib.sha256(data).hexdigest() != decision.document_sha256:
            raise ApplicationError("decision_document_corrupt", _("决定书原件与登记的摘要不一致。"), status_code=409)
        with office_language():
            title = _("%(kind)s书（原件）") % {"kind": decision.get_kind_display()}
        return data, title
    letter = decision.decision_letter
    if letter is None:
        letter = letter_create(
            template_code=TemplateCode.PENALTY_DECISION,
            owner=decision,
            recipient=decision.subject,
            context=decision_letter_context(decision=decision),
            department=decision.department,
            acting_user=acting_user,
        )
        PenaltyDecision.objects.filter(pk=decision.pk).update(decision_letter=letter)
        decision.decision_letter = letter
    letter = letter_render(letter=letter)
    if letter.status != Letter.Status.RENDERED:
        raise ApplicationError("decision_letter_failed", letter.error or _("决定书生成失败。"), status_code=409)
    return letter_file_bytes(letter=letter), letter


def decision_bundle_build(*, decision: PenaltyDecision, acting_user: User | None) -> Path:
    """ONE PDF with the decision followed by the repair notice (两书同达), kept in private storage. The decision is
    the uploaded original if there is one, else generated from the decision data. Idempotent.

    The bundle is registered with the letters app in the transaction that records it, so the file as delivered
    verifies at the code printed on the notice (and on the generated decision letter)."""
    if decision.bundle_path and (storage_root() / decision.bundle_path).is_file():
        return storage_root() / decision.bundle_path
    data, part = _decision_part(decision=decision, acting_user=acting_user)
    contents, parts = [data], [part]
    if decision.notice_required:
        notice = letter_render(letter=decision.notice) if decision.notice else None
        if notice is None or notice.status != Letter.Status.RENDERED:
            raise ApplicationError(
                NOTICE_NOT_READY, (notice.error if notice else "") or _("信用修复告知书尚未生成。"), status_code=409
            )
        contents.append(letter_file_bytes(letter=notice))
        parts.append(notice)
    with office_language():  # printed in the file and shown on the public verification page
        names = {"kind": decision.get_kind_display(), "no": decision.decision_no}
        title = (_("%(kind)s书及信用修复告知书 %(no)s") if len(parts) > 1 else _("%(kind)s书 %(no)s")) % names
    data = merge_pdfs(contents, title=title)
    digest = hashlib.sha256(data).hexdigest()
    relative = f"decisions/{decision.pk}/bundle-{digest[:16]}.pdf"
    _store_private(relative, data)
    with transaction.atomic():
        PenaltyDecision.objects.filter(pk=decision.pk).update(
            bundle_path=relative, bundle_sha256=digest, updated_at=timezone.now()
        )
        case_event_record(
            case=decision,
            kind="decision_bundle_built",
            acting_user=acting_user,
            data={"sha256": digest, "parts": len(parts)},
        )
        if any(isinstance(item, Letter) for item in parts):  # an uploaded original alone has no code to verify at
            letter_bundle_register(parts=parts, data=data, title=title, owner=decision, acting_user=acting_user)
    decision.bundle_path, decision.bundle_sha256 = relative, digest
    return storage_root() / relative
