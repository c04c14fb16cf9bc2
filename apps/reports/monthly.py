"""The monthly coverage table (DESIGN.md, "Coverage targets"), computed from the case data and nothing else.

Every row is a numerator over a denominator that anyone can recount from the records, commitments, cases,
letters and decisions; the definitions are written next to each figure (`definition`) and in docs/reports.md.

Moments: a month's figures are taken "as of" the end of its last day in Asia/Shanghai (or now, for the month in
progress). Who was on the serious-dishonesty list at that moment is read from each list record's start
(publish_from, else the decision date) and the moment its publication ended (ended_at). The subject's operating
status is the current one: the registry does not keep its history, and a note on the report says so.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department
from apps.commitments.models import Commitment, CommitmentType
from apps.core import clock, inputs
from apps.decisions.selectors import month_bounds, two_documents_coverage
from apps.letters.models import Letter
from apps.objections.models import Objection
from apps.repairs.models import RepairCase
from apps.reports.models import CreditReportRequest
from apps.rules.models import Rule, RuleCode
from apps.rules.selectors import rule_in_force_or_none
from apps.sanctions.models import CreditCheck, MatterType
from apps.sla.workdays import add_working_days, is_provisional
from apps.subjects.models import NegativeRecord, RecordKind, Subject
from apps.subjects.selectors import operating_listed_subjects_at, serious_list_records_at
from apps.training.selectors import training_coverage

STATS_FIRST_MONTH = date(2004, 1, 1)  # the working calendar's first year

Published = NegativeRecord.PublicationStatus


class MonthError(ValueError):
    """A month that cannot be reported on (malformed, before the calendar, or not begun yet)."""


def parse_month(raw: Any, *, today: date | None = None) -> date:
    """ "YYYY-MM" to the first day of that month. Raises MonthError with the reason."""
    text = str(raw or "").strip()
    if not text:
        raise MonthError(_("请提供统计月份，格式为 YYYY-MM。"))
    try:
        first = inputs.parse_month(text)
    except inputs.InputError:
        raise MonthError(
            _("统计月份“%(value)s”格式不正确，应为 YYYY-MM，如 2026-10。") % {"value": text[:20]}
        ) from None
    today = today or clock.today()
    if first < STATS_FIRST_MONTH:
        raise MonthError(_("统计月份不能早于 2004-01。"))
    if first > today.replace(day=1):
        raise MonthError(_("%(month)s 尚未开始，不能统计。") % {"month": first.strftime("%Y-%m")})
    return first


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    start: datetime  # first moment of the month
    end: datetime  # the moment the figures are taken: end of the month, or now for the month in progress
    on: date  # the last day counted
    complete: bool

    @classmethod
    def of(cls, month: date, *, now: datetime | None = None) -> "Period":
        first, last = month_bounds(month)
        now = now or timezone.now()
        month_end = _start_of(last + timedelta(days=1))
        end = min(month_end, now)
        return cls(
            first=first,
            last=last,
            start=_start_of(first),
            end=end,
            on=min(last, clock.business_date(now)),
            complete=now >= month_end,
        )


@dataclass(frozen=True)
class Target:
    """A row's target: the direction is part of the indicator's definition, the number is a rule row (in percent)
    in force on the month's last day. No row in force: no target, and the row is neither met nor missed."""

    op: str  # ">=" or "<"
    value: float | None
    source: str = ""

    @classmethod
    def of(cls, code: str, period: "Period", op: str = ">=") -> "Target":
        if not code:  # an indicator no work plan sets a target for
            return cls(op, None, "")
        rule = rule_in_force_or_none(code=code, on=period.last)
        return cls(op, None, "") if rule is None else cls(op, rule.value / 100, rule.source)

    def met(self, ratio: float | None) -> bool | None:
        if ratio is None or self.value is None:
            return None
        return ratio >= self.value if self.op == ">=" else ratio < self.value

    def label(self) -> str:
        if self.value is None:
            return "—"
        return f"{'≥' if self.op == '>=' else '<'}{self.value * 100:g}%"


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _row(key: str, label: str, numerator: int, denominator: int, target: Target, definition: str, **extra) -> dict:
    ratio = _ratio(numerator, denominator)
    return {
        "key": key,
        "label": label,
        "numerator": numerator,
        "denominator": denominator,
        "ratio": ratio,
        "target": {"op": target.op, "value": target.value, "label": target.label()},
        "met": target.met(ratio),
        "target_source": target.source,
        "definition": definition,
        **extra,
    }


# Who is on the list ------------------------------------------------------------------------------------------------


def _list_records(department: Department | None) -> QuerySet[NegativeRecord]:
    records = (
        NegativeRecord.objects.filter(kind=RecordKind.SERIOUS_DISHONESTY_LIST)
        .exclude(publication_status=Published.NOT_PUBLISHED)
        .annotate(listed_from=Coalesce("publish_from", "decision_date"))
    )
    return records.filter(department=department) if department is not None else records


def listed_at(period: Period, department: Department | None = None) -> QuerySet[NegativeRecord]:
    """List records in force at `period.end` (the subjects app owns the rule)."""
    return serious_list_records_at(moment=period.end, department=department)


def listed_during_year(period: Period, department: Department | None = None) -> QuerySet[NegativeRecord]:
    """List records in force at some moment between 1 January of the period's year and `period.end`."""
    year_start = _start_of(date(period.first.year, 1, 1))
    return (
        _list_records(department)
        .filter(listed_from__lte=period.on)  # type: ignore[misc]  # an annotation of _list_records
        .filter(Q(publication_status=Published.PUBLISHED) | Q(ended_at__gte=year_start))
    )


def operating_listed_subjects(
    period: Period, department: Department | None = None, region_code: str = ""
) -> QuerySet[Subject]:
    """The population of most rows: operating subjects on the serious-dishonesty list at the end of the period."""
    return operating_listed_subjects_at(moment=period.end, department=department, region_code=region_code)


@dataclass(frozen=True)
class Scope:
    """Whose figures: a department's records and cases (None: every department's), of the subjects registered in a
    region (a region-code prefix; blank: every region). Each row applies both, so a row has one definition."""

    period: Period
    department: Department | None
    population: QuerySet[Subject]
    population_count: int
    region_code: str = ""

    def in_region(self, subject_path: str = "") -> Q:
        """The filter keeping rows whose subject (reached by `subject_path`) is registered in the scope's region."""
        if not self.region_code:
            return Q()
        return Q(**{f"{subject_path}region_code__startswith": self.region_code})


# The rows ----------------------------------------------------------------------------------------------------------


def _population_with(scope: Scope, *evidence: QuerySet) -> int:
    """How many members of the population have at least one row in any of `evidence` (subqueries on OuterRef)."""
    condition: Q | Combinable = Exists(evidence[0])
    for more in evidence[1:]:
        condition |= Exists(more)
    return scope.population.filter(condition).count()


def _repair_commitments(scope: Scope) -> dict:
    signed = Commitment.objects.filter(
        subject=OuterRef("pk"), type=CommitmentType.CREDIT_REPAIR, signed_at__lt=scope.period.end
    )
    return _row(
        "repair_commitment",
        _("名单内在营主体签署信用修复承诺"),
        _population_with(scope, signed),
        scope.population_count,
        Target.of(RuleCode.TARGET_REPAIR_COMMITMENT, scope.period),
        _("分母：期末在严重失信主体名单内的在营主体数；分子：其中期末前签署过信用修复型信用承诺的主体数。"),
    )


# Market entities (市场主体): the subject types the market registration covers; social organisations, public
# institutions and other organisations are not market entities.
MARKET_ENTITY_TYPES = [
    Subject.Type.ENTERPRISE,
    Subject.Type.BRANCH,
    Subject.Type.INDIVIDUAL_BUSINESS,
    Subject.Type.COOPERATIVE,
]


def market_entities(scope: Scope) -> QuerySet[Subject]:
    """Operating market entities registered by the last day counted (no registration date: counted)."""
    return Subject.objects.filter(
        scope.in_region(), type__in=MARKET_ENTITY_TYPES, operating_status=Subject.OperatingStatus.OPERATING
    ).filter(Q(registered_on__isnull=True) | Q(registered_on__lte=scope.period.on))


def _market_commitments(scope: Scope, *, key: str, type: str, label: str, target: str) -> dict:
    signed = Commitment.objects.filter(subject=OuterRef("pk"), type=type, signed_at__lt=scope.period.end)
    if scope.department is not None:
        signed = signed.filter(department=scope.department)
    entities = market_entities(scope)
    return _row(
        key,
        label,
        entities.filter(Exists(signed)).count(),
        entities.count(),
        Target.of(target, scope.period),
        _(
            "分母：期末前成立、现为在营状态的市场主体数（企业法人、分支机构、个体工商户、农民专业合作社）；"
            "分子：其中期末前作出过%(type)s信用承诺的主体数（按部门统计时，仅计向该部门作出的承诺）。"
        )
        % {"type": CommitmentType(type).label},
    )


def _voluntary_commitments(scope: Scope) -> dict:
    return _market_commitments(
        scope,
        key="voluntary_commitment",
        type=CommitmentType.VOLUNTARY_PUBLIC,
        label=_("在营市场主体作出主动公示型信用承诺"),
        target=RuleCode.TARGET_VOLUNTARY_COMMITMENT,
    )


def _industry_commitments(scope: Scope) -> dict:
    return _market_commitments(
        scope,
        key="industry_commitment",
        type=CommitmentType.INDUSTRY_SELF_DISCIPLINE,
        label=_("在营市场主体作出行业自律型信用承诺"),
        target=RuleCode.TARGET_INDUSTRY_COMMITMENT,
    )


def _matter_commitments(scope: Scope, *, key: str, type: str, matter_type: str, label: str, target: str) -> dict:
    """Matters of `matter_type` a department handled in the month, known by the credit check it ran in them (one
    matter: one subject code and matter reference), and how many of them carry a commitment of `type` against the
    same matter."""
    period = scope.period
    checks = CreditCheck.objects.filter(
        scope.in_region("subject__"),
        matter_type=matter_type,
        created_at__gte=period.start,
        created_at__lt=period.end,
    )
    if scope.department is not None:
        checks = checks.filter(department=scope.department)
    committed = Commitment.objects.filter(
        type=type,
        matter_type=matter_type,
        matter_reference=OuterRef("matter_reference"),
        subject__uscc=OuterRef("uscc"),
        signed_at__lt=period.end,
    )
    matters = checks.values("uscc", "matter_reference").distinct()
    return _row(
        key,
        label,
        checks.filter(Exists(committed)).values("uscc", "matter_reference").distinct().count(),
        matters.count(),
        Target.of(target, period),
        _(
            "分母：本月各部门在“%(matter)s”事项中开展信用核查的事项数（同一主体、同一事项编号计一件）；"
            "分子：其中该主体期末前针对同一事项作出%(type)s信用承诺的事项数。"
        )
        % {"matter": MatterType(matter_type).label, "type": CommitmentType(type).label},
    )


def _approval_commitments(scope: Scope) -> dict:
    return _matter_commitments(
        scope,
        key="approval_commitment",
        type=CommitmentType.APPROVAL_SUBSTITUTE,
        matter_type=MatterType.COMMITMENT_APPROVAL,
        label=_("告知承诺制审批事项签署审批替代型承诺"),
        target=RuleCode.TARGET_APPROVAL_COMMITMENT,
    )


def _certification_commitments(scope: Scope) -> dict:
    return _matter_commitments(
        scope,
        key="certification_commitment",
        type=CommitmentType.CERTIFICATION_NOTICE,
        matter_type=MatterType.CERTIFICATION,
        label=_("证明事项签署告知承诺书"),
        target="",
    )


def _tolerance_commitments(scope: Scope) -> dict:
    return _matter_commitments(
        scope,
        key="tolerance_commitment",
        type=CommitmentType.TOLERANCE_ACCEPTANCE,
        matter_type=MatterType.ADMINISTRATIVE_APPROVAL,
        label=_("行政审批事项签署容缺受理型承诺"),
        target=RuleCode.TARGET_TOLERANCE_COMMITMENT,
    )


def _repair_training(scope: Scope) -> dict:
    """The training app owns the coverage rule and its target; the row reports its figure for the scope."""
    coverage = training_coverage(
        month=scope.period.first, region_code=scope.region_code, department=scope.department, now=scope.period.end
    )
    return _row(
        "repair_training",
        _("名单内在营主体参加信用修复培训"),
        coverage.numerator,
        coverage.denominator,
        Target.of(RuleCode.TARGET_REPAIR_TRAINING, scope.period),
        _("分母同上；分子：其中期末前参加过信用修复培训（签到或经培训协调人登记出席，并出具培训证明）的主体数。"),
    )


def _credit_reports(scope: Scope) -> dict:
    end = scope.period.end
    requested = CreditReportRequest.objects.filter(
        subject=OuterRef("pk"), created_at__lt=end, letter__status=Letter.Status.RENDERED
    )
    checked = RepairCase.objects.filter(subject=OuterRef("pk"), credit_report_ok=True, verified_at__lt=end)
    return _row(
        "credit_report",
        _("名单内在营主体提交信用报告"),
        _population_with(scope, requested, checked),
        scope.population_count,
        Target.of(RuleCode.TARGET_CREDIT_REPORT, scope.period),
        _("分母同上；分子：其中期末前取得本系统出具的信用报告，或在修复案件中提交并经核查确认信用报告的主体数。"),
    )


def _removed(scope: Scope) -> dict:
    period, department, population = scope.period, scope.department, scope.population
    year_start = _start_of(date(period.first.year, 1, 1))
    ever = Subject.objects.filter(
        scope.in_region(),
        operating_status=Subject.OperatingStatus.OPERATING,
        pk__in=listed_during_year(period, department).values("subject_id"),
    )
    repaired = _list_records(department).filter(
        subject=OuterRef("pk"),
        publication_status=Published.ENDED_REPAIRED,
        ended_at__gte=year_start,
        ended_at__lt=period.end,
    )
    numerator = ever.filter(Exists(repaired)).exclude(pk__in=population.values("pk")).count()
    return _row(
        "removed_after_repair",
        _("名单内在营主体经整改修复移出名单（本年累计）"),
        numerator,
        ever.count(),
        Target.of(RuleCode.TARGET_REMOVED_AFTER_REPAIR, period),
        _(
            "分母：本年1月1日至期末曾在严重失信主体名单内的在营主体数；分子：其中本年内经信用修复移出名单、"
            "期末不在名单内的主体数。"
        ),
    )


def _listed_share(scope: Scope) -> dict:
    period = scope.period
    registered = Subject.objects.filter(scope.in_region(), operating_status=Subject.OperatingStatus.OPERATING).filter(
        Q(registered_on__isnull=True) | Q(registered_on__lte=period.on)
    )
    return _row(
        "listed_share",
        _("严重失信主体占在营市场主体比例"),
        scope.population_count,
        registered.count(),
        Target.of(RuleCode.TARGET_LISTED_SHARE, period, op="<"),
        _("分子：期末在严重失信主体名单内的在营主体数；分母：期末前成立、现为在营状态的主体数。"),
    )


def publication_limit(*, on: date, region_code: str = "") -> Rule | None:
    """The 双公示 time limit (working days from the decision) in force on a decision date, if any row is."""
    return rule_in_force_or_none(code=RuleCode.DISCLOSURE_DOUBLE, on=on, region_code=region_code)


def _double_publicity(scope: Scope) -> dict:
    period, department = scope.period, scope.department
    records = NegativeRecord.objects.filter(
        scope.in_region("subject__"),
        kind=RecordKind.ADMINISTRATIVE_PENALTY,
        decision_date__gte=period.first,
        decision_date__lte=period.on,
    ).exclude(publication_status=Published.NOT_PUBLISHED)
    if department is not None:
        records = records.filter(department=department)
    limits: dict[tuple[date, str], Rule | None] = {}
    on_time = late = unmeasured = 0
    late_examples: list[dict[str, Any]] = []
    for pk, decision_no, decided, publish_from, created_at, region_code in records.values_list(
        "pk", "decision_no", "decision_date", "publish_from", "created_at", "department__region_code"
    ).order_by("decision_date", "pk"):
        key = (decided, region_code)
        if key not in limits:
            limits[key] = publication_limit(on=decided, region_code=region_code)
        limit = limits[key]
        if limit is None:
            unmeasured += 1
            continue
        published_on = max(clock.business_date(created_at), publish_from or decided)
        due = add_working_days(decided, limit.value)
        if published_on <= due:
            on_time += 1
        else:
            late += 1
            if len(late_examples) < 50:
                late_examples.append(
                    {"record": pk, "decision_no": decision_no, "decision_date": decided, "published_on": published_on}
                )
    month_limit = publication_limit(on=period.last)
    days = month_limit.value if month_limit is not None else "—"
    return _row(
        "double_publicity",
        _("行政处罚信息%(days)s个工作日内公示（双公示）") % {"days": days},
        on_time,
        on_time + late,
        Target.of(RuleCode.TARGET_DOUBLE_PUBLICITY, period),
        _(
            "分母：决定日期在本月、依规应公示的行政处罚信息数；分子：其中自决定日期起%(days)s个工作日内归集公示的数量"
            "（公示日取归集入库日与公示起始日的较晚者；时限取决定日期当日生效的规则）。行政许可信息不在本系统中。"
        )
        % {"days": days},
        late=late_examples,
        limit_working_days=month_limit.value if month_limit is not None else None,
        limit_source=month_limit.source if month_limit is not None else "",
        unmeasured=unmeasured,
    )


def _objections(scope: Scope) -> dict:
    period, department = scope.period, scope.department
    closed = Objection.objects.filter(
        scope.in_region("subject__"), closed_at__gte=period.start, closed_at__lt=period.end
    )
    if department is not None:
        closed = closed.filter(department=department)
    return _row(
        "objection_on_time",
        _("异议申诉按期办结（5个工作日）"),
        closed.filter(closed_on_time=True).count(),
        closed.count(),
        Target.of(RuleCode.TARGET_OBJECTION_ON_TIME, period),
        _("分母：本月办结的异议案件数；分子：其中在办结期限内办结的数量（期限按工作日计，扣除补充材料期间）。"),
    )


def _two_documents(scope: Scope) -> dict:
    period, department = scope.period, scope.department
    coverage = two_documents_coverage(
        month=period.first, department_id=department.pk if department else None, region_code=scope.region_code
    )
    return _row(
        "two_documents",
        _("行政处罚决定书与信用修复告知书同时送达（两书同达）"),
        coverage["numerator"],
        coverage["denominator"],
        Target.of(RuleCode.TARGET_TWO_DOCUMENTS, period),
        _("分母：本月送达、应附信用修复告知书的决定数（法人和非法人组织）；分子：其中与告知书同时送达的数量。"),
        missing=coverage["missing"],
    )


ROWS: list[Callable[[Scope], dict]] = [
    _repair_commitments,
    _voluntary_commitments,
    _industry_commitments,
    _approval_commitments,
    _certification_commitments,
    _tolerance_commitments,
    _repair_training,
    _credit_reports,
    _removed,
    _listed_share,
    _double_publicity,
    _objections,
    _two_documents,
]


def monthly_stats(
    *, month: date, department: Department | None = None, region_code: str = "", now: datetime | None = None
) -> dict:
    """The coverage table for `month` (its first day), office-wide or for one department's records and cases,
    optionally of the subjects registered in one region (`region_code`, a prefix of the subject's code)."""
    period = Period.of(month, now=now)
    population = operating_listed_subjects(period, department, region_code)
    scope = Scope(
        period=period,
        department=department,
        population=population,
        population_count=population.count(),
        region_code=region_code,
    )
    rows = [row(scope) for row in ROWS]
    notes = [
        _("“在营”按主体当前登记状态判断，登记状态的历史变化未纳入。"),
        _("比例保留四位小数；分母为零的指标不计算比例。"),
    ]
    if not period.complete:
        notes.insert(0, _("本月尚未结束，数据截至统计时点。"))
    limit = publication_limit(on=period.last)
    if is_provisional(period.first, add_working_days(period.last, limit.value if limit is not None else 0)):
        notes.append(_("计算工作日所用的节假日安排尚未正式公布，相关数字为暂定。"))
    unmeasured = next(row["unmeasured"] for row in rows if row["key"] == "double_publicity")
    if unmeasured:
        notes.append(
            _("%(count)d 条行政处罚信息的决定日期没有生效的双公示时限规则，未计入双公示指标。") % {"count": unmeasured}
        )
    if any(row["target"]["value"] is None for row in rows):
        notes.append(_("目标为“—”的指标在统计月份没有生效的目标规则，或工作要点未对其设定目标。"))
    return {
        "month": period.first.strftime("%Y-%m"),
        "period_start": period.first,
        "period_end": period.last,
        "as_of": timezone.localtime(period.end),
        "complete": period.complete,
        "department": {"code": department.code, "name": department.name} if department else None,
        "region_code": region_code,
        "population": scope.population_count,
        "rows": rows,
        "notes": notes,
    }


def report_departments() -> QuerySet[Department]:
    """The departments a breakdown has a table for: every active department that decides records (not the credit
    office, which reports and lists nothing of its own)."""
    return Department.objects.filter(is_active=True).exclude(sector=Department.Sector.CREDIT_OFFICE).order_by("code")


def report_regions() -> list[str]:
    """The regions a breakdown has a table for: the region codes of the subjects that have a record."""
    codes = (
        Subject.objects.filter(Exists(NegativeRecord.objects.filter(subject=OuterRef("pk"))))
        .exclude(region_code="")
        .values_list("region_code", flat=True)
        .distinct()
        .order_by("region_code")
    )
    return list(codes)


def monthly_breakdown(*, month: date, now: datetime | None = None) -> dict:
    """The month's table office-wide, for each department and for each region: monthly_stats for each scope, so
    a breakdown's figure is the page's figure for that scope."""
    now = now or timezone.now()
    return {
        "overall": monthly_stats(month=month, now=now),
        "departments": [monthly_stats(month=month, department=d, now=now) for d in report_departments()],
        "regions": [monthly_stats(month=month, region_code=code, now=now) for code in report_regions()],
    }
