"""Who may apply for repair, and when: the rule rows in force on the filing date decide (national orders and local
refusal rules). Pure reads: nothing here writes."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.repairs.models import RepairCase, RepairKind
from apps.rules.models import Rule, RuleCode
from apps.rules.selectors import (
    MATERIAL_RULES,
    RULE_MISSING,
    RepairMaterialRules,
    repair_material_rules,
    rule_in_force,
)
from apps.sla.workdays import business_date
from apps.subjects.models import NegativeRecord, RecordKind, Subject
from apps.subjects.services import add_months

# Time limits and switches every case needs (a missing row is an administrator's error: 422).
REQUIRED_RULES = (
    RuleCode.REPAIR_PORTAL_ANSWER,
    RuleCode.REPAIR_DEPARTMENT_DECISION,
    RuleCode.REPAIR_INTAKE,
    RuleCode.REPAIR_SUPPLEMENT_ANSWER,
    RuleCode.REPAIR_EXECUTION,
)
# Local refusal rules and optional-evidence switches: no row means the rule does not apply here. The evidence
# switches (MATERIAL_RULES) are read by rules.selectors.repair_material_rules, like every other reader of them.
OPTIONAL_RULES = (
    RuleCode.REPAIR_MIN_INTERVAL_MONTHS,
    RuleCode.REPAIR_MAX_IN_WINDOW,
    RuleCode.REPAIR_WINDOW_YEARS,
    RuleCode.REPAIR_REQUIRES_TRAINING,
    RuleCode.REPAIR_REQUIRES_CREDIT_REPORT,
    RuleCode.REPAIR_NOT_REPAIRABLE,
)

TOO_EARLY = "repair_too_early"
NOT_REPAIRABLE = "repair_not_repairable"
LOCAL_RULE = "repair_refused_by_local_rule"
NOT_PUBLISHED = "record_not_published"
WRONG_KIND = "repair_kind_mismatch"
UNDER_OBJECTION = "record_under_objection"
BEING_REPAIRED = "record_being_repaired"
# The first code found decides the status of the refusal.
CONFLICT_CODES = {UNDER_OBJECTION, BEING_REPAIRED}


@dataclass(frozen=True)
class Reason:
    code: str
    detail: str
    record_id: int | None = None
    earliest: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "detail": self.detail,
            "record": self.record_id,
            "earliest_filing_date": self.earliest.isoformat() if self.earliest else None,
        }


@dataclass
class Eligibility:
    on: date
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)
    materials: RepairMaterialRules = field(default_factory=RepairMaterialRules)

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def earliest_filing_date(self) -> date | None:
        """When every refusal is a matter of time, the first day all of them have passed; else None."""
        if not self.reasons or any(r.earliest is None for r in self.reasons):
            return None
        return max(r.earliest for r in self.reasons if r.earliest is not None)

    @property
    def rule_source(self) -> str:
        sources: list[str] = []
        for item in self.rules.values():
            for part in item["source"].split("；"):
                if part and part not in sources:
                    sources.append(part)
        return "；".join(sources)[:600]

    def value(self, code: str, default: int = 0) -> int:
        item = self.rules.get(code)
        return item["value"] if item else default

    def error(self) -> ApplicationError:
        first = self.reasons[0]
        status = 409 if first.code in CONFLICT_CODES else 400
        earliest = self.earliest_filing_date
        detail = first.detail
        if earliest:
            detail = _("%(detail)s 最早可于 %(date)s 申请。") % {"detail": detail, "date": earliest.isoformat()}
        return ApplicationError(
            first.code,
            detail,
            status_code=status,
            extra={
                "earliest_filing_date": earliest.isoformat() if earliest else None,
                "reasons": [r.as_dict() for r in self.reasons],
                "rule_source": self.rule_source,
                "on": self.on.isoformat(),
            },
        )


def _scope(*, on: date, record: NegativeRecord) -> dict[str, Any]:
    return {
        "on": on,
        "record_kind": record.kind,
        "severity": record.severity,
        "sector": record.department.sector,
        "region_code": record.department.region_code,
    }


def material_rules(*, on: date, records: Sequence[NegativeRecord]) -> RepairMaterialRules:
    """The optional evidence a case over `records` filed on `on` needs (any record's row may ask for it)."""
    return RepairMaterialRules.strictest(repair_material_rules(**_scope(on=on, record=r)) for r in records)


def _rule(code: str, *, on: date, record: NegativeRecord, required: bool) -> Rule | None:
    scope = _scope(on=on, record=record)
    try:
        return rule_in_force(code=code, **scope)
    except ApplicationError as exc:
        if exc.code == RULE_MISSING and not required:
            return None
        raise


def rules_in_force(
    *, on: date, records: Sequence[NegativeRecord], materials: RepairMaterialRules | None = None
) -> dict[str, dict[str, Any]]:
    """The rows that govern a case filed on `on`: time limits from the first record; switches are on when any
    record's row says so; for refusal rules the strictest row wins."""
    lead = records[0]
    materials = materials if materials is not None else material_rules(on=on, records=records)
    chosen: dict[str, dict[str, Any]] = {}

    def keep(code: str, rule: Rule) -> None:
        chosen[str(code)] = {"value": rule.value, "source": rule.source, "rule_id": rule.pk}

    for code in REQUIRED_RULES:
        keep(code, _rule(code, on=on, record=lead, required=True))  # type: ignore[arg-type]  # required: raises, never None
    for code in OPTIONAL_RULES:
        if code in MATERIAL_RULES:
            if str(code) in materials.rows:
                keep(code, materials.rows[str(code)])
            continue
        candidates = [r for r in (_rule(code, on=on, record=rec, required=False) for rec in records) if r]
        if candidates:
            strictest = min if code == RuleCode.REPAIR_MAX_IN_WINDOW else max
            keep(code, strictest(candidates, key=lambda r: r.value))
    return chosen


def _earlier_repairs(subject: Subject) -> list[date]:
    """Business dates of the subject's completed repairs (revoked ones count: they were granted), newest first."""
    closed = RepairCase.objects.filter(
        subject=subject, status__in=[RepairCase.Status.REPAIRED, RepairCase.Status.REVOKED], closed_at__isnull=False
    ).values_list("closed_at", flat=True)
    return sorted((business_date(at) for at in closed if at is not None), reverse=True)


def repair_eligibility(*, subject: Subject, records: Sequence[NegativeRecord], kind: str, on: date) -> Eligibility:
    """Check a filing on `on` against the rules in force that day. Collects every reason, not just the first."""
    materials = material_rules(on=on, records=records)
    result = Eligibility(on=on, rules=rules_in_force(on=on, records=records, materials=materials), materials=materials)
    reasons = result.reasons
    open_cases = set(
        RepairCase.objects.filter(records__in=records, status__in=RepairCase.OPEN_STATUSES).values_list(
            "records__id", flat=True
        )
    )
    for record in records:
        name = record.decision_no
        if record.subject_id != subject.pk:
            raise ApplicationError(
                "invalid", _("信息 %(no)s 不属于该主体。") % {"no": name}, fields={"records": [_("不属于该主体。")]}
            )
        if kind == RepairKind.LEAVE_LIST and record.kind != RecordKind.SERIOUS_DISHONESTY_LIST:
            reasons.append(
                Reason(WRONG_KIND, _("%(no)s 不是严重失信主体名单信息，不能申请移出名单。") % {"no": name}, record.pk)
            )
            continue
        if record.objection_status == NegativeRecord.ObjectionStatus.UNDER_OBJECTION:
            reasons.append(
                Reason(UNDER_OBJECTION, _("%(no)s 正在异议处理中，异议办结前不能申请修复。") % {"no": name}, record.pk)
            )
            continue
        if record.repair_status == NegativeRecord.RepairStatus.REPAIRING or record.pk in open_cases:
            reasons.append(Reason(BEING_REPAIRED, _("%(no)s 已有正在办理的信用修复申请。") % {"no": name}, record.pk))
            continue
        if record.publication_status != NegativeRecord.PublicationStatus.PUBLISHED:
            reasons.append(
                Reason(
                    NOT_PUBLISHED,
                    _("%(no)s 当前状态为“%(status)s”，无需修复。")
                    % {"no": name, "status": record.get_publication_status_display()},
                    record.pk,
                )
            )
            continue
        not_repairable = _rule(RuleCode.REPAIR_NOT_REPAIRABLE, on=on, record=record, required=False)
        if not_repairable is not None and not_repairable.value == 1:
            reasons.append(
                Reason(
                    NOT_REPAIRABLE,
                    _("%(no)s 属于依法不可修复的类别（%(source)s）。") % {"no": name, "source": not_repairable.source},
                    record.pk,
                )
            )
            continue
        if record.repair_earliest and on < record.repair_earliest:
            reasons.append(
                Reason(
                    TOO_EARLY,
                    _("%(no)s 的最短公示期尚未届满（%(source)s）。")
                    % {"no": name, "source": record.period_rule_source},
                    record.pk,
                    record.repair_earliest,
                )
            )
    earlier = _earlier_repairs(subject)
    interval = result.value(RuleCode.REPAIR_MIN_INTERVAL_MONTHS)
    if earlier and interval and on < add_months(earlier[0], interval):
        reasons.append(
            Reason(
                LOCAL_RULE,
                _("距上次信用修复（%(last)s）不足 %(n)s 个月。") % {"last": earlier[0].isoformat(), "n": interval},
                earliest=add_months(earlier[0], interval),
            )
        )
    most = result.value(RuleCode.REPAIR_MAX_IN_WINDOW)
    years = result.value(RuleCode.REPAIR_WINDOW_YEARS)
    if most and years:
        window_start = add_months(on, -12 * years)
        in_window = [d for d in earlier if d > window_start]
        if len(in_window) >= most:
            earliest = add_months(in_window[most - 1], 12 * years)
            reasons.append(
                Reason(
                    LOCAL_RULE,
                    _("%(years)s 年内已修复 %(count)s 次，达到本地规则上限（%(most)s 次）。")
                    % {"years": years, "count": len(in_window), "most": most},
                    earliest=earliest,
                )
            )
    return result


def record_filing_blocks(*, records: Sequence[NegativeRecord], kind: str, on: date) -> dict[int, Reason | None]:
    """For a filing form: per record, the first reason it cannot be filed on `on` for `kind` alone (None: it can).
    The same checks as a filing (repair_eligibility), asked one record at a time."""
    blocks: dict[int, Reason | None] = {}
    for record in records:
        try:
            result = repair_eligibility(subject=record.subject, records=[record], kind=kind, on=on)
        except ApplicationError as exc:
            blocks[record.pk] = Reason(exc.code, exc.detail, record.pk)
            continue
        own = [r for r in result.reasons if r.record_id in (record.pk, None)]
        blocks[record.pk] = own[0] if own else None
    return blocks
