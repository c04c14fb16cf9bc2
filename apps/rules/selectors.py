"""The rule in force: the most specific row whose dates cover the event date."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.core import clock
from apps.core.errors import ApplicationError
from apps.rules.models import Rule, RuleCode

RULE_MISSING = "rule_missing"


def rule_in_force(
    *,
    code: str,
    on: date,
    record_kind: str = "",
    severity: str = "",
    sector: str = "",
    region_code: str = "",
) -> Rule:
    """Rows match when each of their dimensions is blank or equal (region: a prefix of the case's region).

    Among matches the most specific wins (more dimensions, then the longer region prefix), then the newest.
    """
    candidates = Rule.objects.filter(code=code, effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        Q(record_kind="") | Q(record_kind=record_kind),
        Q(severity="") | Q(severity=severity),
        Q(sector="") | Q(sector=sector),
    )
    matches = [r for r in candidates if not r.region_code or region_code.startswith(r.region_code)]
    if not matches:
        raise ApplicationError(
            RULE_MISSING,
            _("%(date)s 没有生效的规则 %(code)s，请管理员补充规则版本。") % {"date": on.isoformat(), "code": code},
            extra={"rule": code, "on": on.isoformat()},
            status_code=422,
        )
    return max(matches, key=lambda r: (*r.specificity, r.effective_from, r.pk))


def rule_value(**kwargs: Any) -> int:
    return rule_in_force(**kwargs).value


def rule_in_force_or_none(**kwargs: Any) -> Rule | None:
    """rule_in_force, or None where no row is in force (for rules that may simply not apply, such as a target)."""
    try:
        return rule_in_force(**kwargs)
    except ApplicationError as exc:
        if exc.code == RULE_MISSING:
            return None
        raise


# Evidence a repair needs only where a rule row says so (value 1); no row in force means not needed.
MATERIAL_RULES = (RuleCode.REPAIR_REQUIRES_TRAINING, RuleCode.REPAIR_REQUIRES_CREDIT_REPORT)


@dataclass(frozen=True)
class RepairMaterialRules:
    """The rows that decide which optional evidence a repair needs: the one reading of those rows that the
    repair-notice (两书同达), the eligibility check and the filed case all use."""

    rows: dict[str, Rule] = field(default_factory=dict)  # code -> row in force; a code without a row is not needed

    def required(self, code: str) -> bool:
        row = self.rows.get(str(code))
        return row is not None and row.value == 1

    @property
    def requires_training(self) -> bool:
        return self.required(RuleCode.REPAIR_REQUIRES_TRAINING)

    @property
    def requires_credit_report(self) -> bool:
        return self.required(RuleCode.REPAIR_REQUIRES_CREDIT_REPORT)

    @classmethod
    def strictest(cls, each: Iterable["RepairMaterialRules"]) -> "RepairMaterialRules":
        """For a case over several records: evidence is needed when any record's row asks for it."""
        rows: dict[str, Rule] = {}
        for materials in each:
            for code, row in materials.rows.items():
                if code not in rows or row.value > rows[code].value:
                    rows[code] = row
        return cls(rows)


def repair_material_rules(
    *, on: date, record_kind: str = "", severity: str = "", sector: str = "", region_code: str = ""
) -> RepairMaterialRules:
    """Which optional evidence (training attendance, a credit report) a repair of a record needs, by the rows in
    force on `on` for the record's kind, severity, sector and region."""
    scope = {"record_kind": record_kind, "severity": severity, "sector": sector, "region_code": region_code}
    rows = {}
    for code in MATERIAL_RULES:
        row = rule_in_force_or_none(code=code, on=on, **scope)
        if row is not None:
            rows[str(code)] = row
    return RepairMaterialRules(rows)


def monthly_reporting_day(*, month: date) -> date | None:
    """The day by which figures of `month` reach the credit office (the seeds' 23rd of the following month): the
    rule row report.monthly_due_day in force on the first of the following month; None when no row is in force.
    The monthly coverage report and the departments' joint-sanction case reports both read it here."""
    following = clock.first_of_next_month(month)
    rule = rule_in_force_or_none(code=RuleCode.REPORT_MONTHLY_DUE_DAY, on=following)
    return None if rule is None else following.replace(day=min(max(rule.value, 1), 28))


# How a rule's value reads in words, by code (a code missing here reads as its bare number).
_WORKING_DAYS = "working_days"
_UNITS: dict[str, str] = {
    RuleCode.PUBLICATION_MIN_MONTHS: "months",
    RuleCode.PUBLICATION_MAX_MONTHS: "months",
    RuleCode.REPAIR_PORTAL_ANSWER: _WORKING_DAYS,
    RuleCode.REPAIR_INTAKE: _WORKING_DAYS,
    RuleCode.REPAIR_SUPPLEMENT_ANSWER: _WORKING_DAYS,
    RuleCode.REPAIR_DEPARTMENT_DECISION: _WORKING_DAYS,
    RuleCode.REPAIR_EXECUTION: _WORKING_DAYS,
    RuleCode.REPAIR_MIN_INTERVAL_MONTHS: "months",
    RuleCode.REPAIR_MAX_IN_WINDOW: "times",
    RuleCode.REPAIR_WINDOW_YEARS: "years",
    RuleCode.REPAIR_NOT_REPAIRABLE: "switch",
    RuleCode.REPAIR_REQUIRES_TRAINING: "switch",
    RuleCode.REPAIR_REQUIRES_CREDIT_REPORT: "switch",
    RuleCode.OBJECTION_MARK: _WORKING_DAYS,
    RuleCode.OBJECTION_CLOSE: _WORKING_DAYS,
    RuleCode.DUE_SOON_WORKING_DAYS: _WORKING_DAYS,
    RuleCode.DISCLOSURE_DOUBLE: _WORKING_DAYS,
    RuleCode.REPORT_MONTHLY_DUE_DAY: "day_of_month",
}


def rule_name(code: str) -> str:
    """The rule's name in plain words, without the unit its label carries: 受理审查时限, not 受理审查时限（工作日）."""
    try:
        label = str(RuleCode(code).label)
    except ValueError:
        return code
    return label if str(code).startswith("target.") else label.split("（", 1)[0]


def rule_value_words(code: str, value: int) -> str:
    """A rule's value with its unit: 2 个工作日, 12 个月, 是/否 for a switch, 15% for a target."""
    unit = _UNITS.get(code)
    if unit == _WORKING_DAYS:
        return _("%(n)d 个工作日") % {"n": value}
    if unit == "months":
        return _("%(n)d 个月") % {"n": value}
    if unit == "years":
        return _("%(n)d 年") % {"n": value}
    if unit == "times":
        return _("%(n)d 次") % {"n": value}
    if unit == "switch":
        return _("是") if value else _("否")
    if unit == "day_of_month":
        return _("每月 %(n)d 日前") % {"n": value}
    if str(code).startswith("target."):
        return f"{value}%"
    return str(value)


def rule_described(*, code: str, value: int, source: str) -> str:
    """One rule as staff read it: its name, its value with the unit and its legal source, such as
    受理审查时限：2 个工作日（依据：宜昌市社会信用体系建设工作要点）."""
    line = _("%(name)s：%(value)s") % {"name": rule_name(code), "value": rule_value_words(code, value)}
    if source:
        line += _("（依据：%(source)s）") % {"source": source}
    return line


def rules_described(snapshot: dict[str, dict[str, Any]]) -> list[str]:
    """The rules a case was decided under, as kept on the case when it was filed ({code: {"value", "source"}}),
    one line each in the order of RuleCode. Rows changed since then do not alter what the case was filed under."""
    order = {code: position for position, code in enumerate(RuleCode.values)}
    return [
        rule_described(code=code, value=int(item.get("value", 0)), source=str(item.get("source", "")))
        for code, item in sorted(snapshot.items(), key=lambda pair: (order.get(pair[0], len(order)), pair[0]))
        if isinstance(item, dict)
    ]
