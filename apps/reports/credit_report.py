"""What a credit report (信用报告) says about a subject, assembled from every app that knows something.

The sections on commitments, repairs and objections come from SECTIONS: each is one function of the subject that
returns rows, and says nothing (the report prints “无”) when its app is not installed. A new source of information
is one more function and one more line in SECTIONS.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps as django_apps
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import clock
from apps.subjects.models import NegativeRecord, Sanction, Subject

CHINESE_NUMBERS = "一二三四五六七八九十"


def _label(instance: Any, field: str) -> str:
    display = getattr(instance, f"get_{field}_display", None)
    return str(display()) if display else str(getattr(instance, field, "") or "")


def _day(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def commitment_rows(subject: Subject) -> list[list[str]]:
    Commitment = django_apps.get_model("commitments", "Commitment")
    return [
        [_label(c, "type"), _day(c.signed_at), c.signer_capacity, _label(c, "fulfilment_status")]
        for c in Commitment.objects.filter(subject=subject).order_by("signed_at", "id")
    ]


def repair_rows(subject: Subject) -> list[list[str]]:
    RepairCase = django_apps.get_model("repairs", "RepairCase")
    cases = RepairCase.objects.filter(subject=subject).prefetch_related("records").order_by("filing_date", "id")
    return [
        [
            case.reference,
            _day(case.filing_date),
            "、".join(r.decision_no for r in case.records.all()),
            _label(case, "status"),
        ]
        for case in cases
    ]


def objection_rows(subject: Subject) -> list[list[str]]:
    """The subject's own objections: its ground, not that of another subject joined to the same case; the outcome
    once approved."""
    ObjectionParty = django_apps.get_model("objections", "ObjectionParty")
    parties = (
        ObjectionParty.objects.filter(subject=subject).select_related("objection__record").order_by("joined_at", "id")
    )
    return [
        [
            party.objection.reference,
            party.objection.record.decision_no,
            _label(party, "ground"),
            _label(party.objection, "status"),
            # a proposed outcome is internal until a second person approved it
            (_label(party.objection, "outcome") if party.objection.status in DECIDED else "") or "—",
        ]
        for party in parties
    ]


DECIDED = ("applying", "replying", "closed")  # objection statuses after the review approved the outcome


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    app: str
    headings: tuple[str, ...]
    rows: Callable[[Subject], list[list[str]]]


def sections() -> list[Section]:
    return [
        Section(
            "commitments",
            _("信用承诺"),
            "apps.commitments",
            (_("承诺类型"), _("签署日期"), _("签署人身份"), _("履约情况")),
            commitment_rows,
        ),
        Section(
            "repairs",
            _("信用修复"),
            "apps.repairs",
            (_("案件编号"), _("申请日"), _("涉及文书号"), _("状态")),
            repair_rows,
        ),
        Section(
            "objections",
            _("异议处理"),
            "apps.objections",
            (_("案件编号"), _("涉及文书号"), _("异议理由"), _("状态"), _("结果")),
            objection_rows,
        ),
    ]


def section_rows(section: Section, subject: Subject) -> list[list[str]]:
    """Rows of a section, or none when its app is not installed (the report then prints “无”)."""
    if not django_apps.is_installed(section.app):
        return []
    return section.rows(subject)


def credit_report_context(*, subject: Subject, report_no: str, on: date | None = None) -> dict[str, Any]:
    """The report's data: subject, list status, public records with their statuses, sanctions, and the sections."""
    on = on or clock.today()
    # Records that are or were public, with their statuses; deleted and never-published ones are not reported.
    shown = [
        NegativeRecord.PublicationStatus.PUBLISHED,
        NegativeRecord.PublicationStatus.ENDED_REPAIRED,
        NegativeRecord.PublicationStatus.ENDED_EXPIRED,
    ]
    records = list(
        NegativeRecord.objects.filter(subject=subject, publication_status__in=shown)
        .select_related("department")
        .order_by("-decision_date", "-id")
    )
    sanctions = (
        Sanction.objects.filter(record__subject=subject)
        .select_related("department", "record")
        .order_by("imposed_on", "id")
    )
    on_list = any(record.on_serious_list for record in records)
    extra = [
        {
            "number": CHINESE_NUMBERS[4 + index],
            "key": s.key,
            "title": s.title,
            "headings": list(s.headings),
            "rows": section_rows(s, subject),
        }
        for index, s in enumerate(sections())
    ]
    return {
        "report_no": report_no,
        "generated_on": on,
        "subject_name": subject.name,
        "subject_uscc": subject.uscc,
        "subject_type_label": subject.get_type_display(),
        "operating_status_label": subject.get_operating_status_display(),
        "region_code": subject.region_code,
        "on_serious_list": on_list,
        "on_serious_list_label": _("已列入") if on_list else _("未列入"),
        "published_record_count": sum(1 for record in records if record.is_public),
        "records": [
            {
                "kind_label": record.get_kind_display(),
                "severity_label": record.get_severity_display(),
                "decision_no": record.decision_no,
                "decision_date": record.decision_date,
                "department": record.department.name,
                "publish_from": record.publish_from,
                "publish_until": record.publish_until,
                "publication_status_label": record.get_publication_status_display(),
                "sharing_status_label": record.get_sharing_status_display(),
                "objection_status_label": record.get_objection_status_display(),
                "repair_status_label": record.get_repair_status_display(),
            }
            for record in records
        ],
        "sanctions": [
            {
                "department": sanction.department.name,
                "measure": sanction.measure,
                "decision_no": sanction.record.decision_no,
                "status": sanction.status,
                "status_label": sanction.get_status_display(),
                "lifted_at": sanction.lifted_at,
            }
            for sanction in sanctions
        ],
        "sections": extra,
    }
