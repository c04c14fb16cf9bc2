"""Commitment coverage per type on the monthly report (issue 14): each row equals a count made by hand on a fixture
whose every answer is known (October 2026). The denominators are written in docs/reports.md."""

import itertools
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from apps.commitments.models import MATTERS_BY_TYPE, CommitmentType
from apps.commitments.services import commitment_sign, text_version_in_force
from apps.reports.monthly import monthly_stats
from apps.sanctions.models import CreditCheck
from apps.subjects.models import Subject
from apps.subjects.services import subject_create
from apps.subjects.uscc import make_uscc

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = date(2026, 10, 1)
_n = itertools.count(1)
T = CommitmentType


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


def subject(key: str, type=Subject.Type.ENTERPRISE, category="1", authority="9", **kwargs) -> Subject:
    uscc = make_uscc(authority, category, "420502", f"MC{next(_n):06d}")
    return subject_create(uscc=uscc, name=f"宜昌{key}覆盖测试主体", type=type, **kwargs)


def sign(who, type, day, department, matter_type=None, reference="公开承诺"):
    return commitment_sign(
        subject=who,
        text_version=text_version_in_force(type=type, on=day),
        signer_name="赵强",
        signed_at=at(day),
        acting_user=None,
        matter_type=matter_type or MATTERS_BY_TYPE[type][0],
        matter_reference=reference,
        department=department,
        channel="staff",
    )


def check(uscc, matter_type, reference, department, user, day, who=None):
    made = CreditCheck.objects.create(
        uscc=uscc,
        subject=who,
        matter_type=matter_type,
        matter_reference=reference,
        department=department,
        checked_by=user,
    )
    CreditCheck.objects.filter(pk=made.pk).update(created_at=at(day))


@pytest.fixture
def known(departments, users):
    market, tax = departments["market"], departments["tax"]
    officer = users["officer"]
    m = {f"M{i}": subject(f"M{i}") for i in range(1, 7)}
    m["M7"] = subject("M7", type=Subject.Type.INDIVIDUAL_BUSINESS, category="2")
    m["M8"] = subject("M8", type=Subject.Type.COOPERATIVE, category="3")
    # not market entities at the end of October: deregistered, a social organisation, founded in November
    m["M9"] = subject("M9", operating_status=Subject.OperatingStatus.DEREGISTERED)
    m["S1"] = subject("S1", type=Subject.Type.SOCIAL_ORGANISATION, category="1", authority="5")
    m["M10"] = subject("M10", registered_on=date(2026, 11, 5))

    # 主动公示型: M1 (to market, October) and M2 (to tax, September) count; M9, S1 are outside the population; M3
    # signed only in November.
    sign(m["M1"], T.VOLUNTARY_PUBLIC, date(2026, 10, 5), market)
    sign(m["M2"], T.VOLUNTARY_PUBLIC, date(2026, 9, 1), tax)
    sign(m["M9"], T.VOLUNTARY_PUBLIC, date(2026, 10, 5), market)
    sign(m["S1"], T.VOLUNTARY_PUBLIC, date(2026, 10, 5), market)
    sign(m["M3"], T.VOLUNTARY_PUBLIC, date(2026, 11, 3), market)
    # 行业自律型: all eight market entities, M1 twice (counted once); M10 too, founded later.
    for key in ("M1", "M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M10"):
        sign(m[key], T.INDUSTRY_SELF_DISCIPLINE, date(2026, 10, 8), market, reference="宜昌市商贸行业自律公约")

    # 告知承诺制审批 matters checked in October: M1/GZ-1 (twice, one matter, market), M2/GZ-2 (tax), an unknown code
    # /GZ-5 (market); M3/GZ-3 was checked in September.
    unknown = make_uscc("9", "1", "420502", "MCUNKNWN")
    check(m["M1"].uscc, "commitment_approval", "GZ-1", market, officer, date(2026, 10, 9), m["M1"])
    check(m["M1"].uscc, "commitment_approval", "GZ-1", market, officer, date(2026, 10, 20), m["M1"])
    check(m["M2"].uscc, "commitment_approval", "GZ-2", tax, users["officer_tax"], date(2026, 10, 9), m["M2"])
    check(unknown, "commitment_approval", "GZ-5", market, officer, date(2026, 10, 9))
    check(m["M3"].uscc, "commitment_approval", "GZ-3", market, officer, date(2026, 9, 29), m["M3"])
    # only M1's commitment is an 审批替代型 against its own matter; M2 signed one against another matter type, and a
    # 容缺受理型 against GZ-2; M3's matter was checked in September.
    sign(m["M1"], T.APPROVAL_SUBSTITUTE, date(2026, 10, 9), market, "commitment_approval", "GZ-1")
    sign(m["M2"], T.APPROVAL_SUBSTITUTE, date(2026, 10, 9), tax, "administrative_approval", "GZ-2")
    sign(m["M2"], T.TOLERANCE_ACCEPTANCE, date(2026, 10, 9), tax, "commitment_approval", "GZ-2")
    sign(m["M3"], T.APPROVAL_SUBSTITUTE, date(2026, 9, 29), market, "commitment_approval", "GZ-3")

    # 行政审批 matters: M4/SP-1 with a 容缺受理型 commitment, M5/SP-2 without (M5's commitment names SP-9).
    check(m["M4"].uscc, "administrative_approval", "SP-1", market, officer, date(2026, 10, 12), m["M4"])
    check(m["M5"].uscc, "administrative_approval", "SP-2", market, officer, date(2026, 10, 12), m["M5"])
    sign(m["M4"], T.TOLERANCE_ACCEPTANCE, date(2026, 10, 12), market, "administrative_approval", "SP-1")
    sign(m["M5"], T.TOLERANCE_ACCEPTANCE, date(2026, 10, 12), market, "administrative_approval", "SP-9")

    # 证明事项: M6/ZM-1 with its 告知承诺书, signed after the check but within the month.
    check(m["M6"].uscc, "certification", "ZM-1", tax, users["officer_tax"], date(2026, 10, 13), m["M6"])
    sign(m["M6"], T.CERTIFICATION_NOTICE, date(2026, 10, 20), tax, "certification", "ZM-1")
    return m


def rows(stats):
    return {row["key"]: (row["numerator"], row["denominator"], row["ratio"], row["met"]) for row in stats["rows"]}


def test_coverage_per_type_equals_the_count_by_hand(known):
    stats = monthly_stats(month=OCTOBER)
    figures = rows(stats)
    assert figures["voluntary_commitment"] == (2, 8, 0.25, False)
    assert figures["industry_commitment"] == (8, 8, 1.0, True)
    assert figures["approval_commitment"] == (1, 3, 0.3333, False)
    assert figures["tolerance_commitment"] == (1, 2, 0.5, False)
    assert figures["certification_commitment"] == (1, 1, 1.0, None)  # no work plan sets a target for it
    targets = {row["key"]: row["target"]["label"] for row in stats["rows"]}
    assert targets["voluntary_commitment"] == "≥90%" and targets["industry_commitment"] == "≥90%"
    assert targets["approval_commitment"] == "≥100%" and targets["tolerance_commitment"] == "≥100%"
    definitions = {row["key"]: row["definition"] for row in stats["rows"]}
    assert "市场主体" in definitions["voluntary_commitment"] and "告知承诺制审批" in definitions["approval_commitment"]


def test_coverage_by_department_counts_the_department_s_matters_and_commitments(known, departments):
    market = rows(monthly_stats(month=OCTOBER, department=departments["market"]))
    assert market["voluntary_commitment"] == (1, 8, 0.125, False)  # M1 committed to market; M2 to tax
    assert market["approval_commitment"] == (1, 2, 0.5, False)  # GZ-1 and the unknown code's GZ-5
    assert market["certification_commitment"] == (0, 0, None, None)
    tax = rows(monthly_stats(month=OCTOBER, department=departments["tax"]))
    assert tax["approval_commitment"] == (0, 1, 0.0, False) and tax["certification_commitment"] == (1, 1, 1.0, None)


def test_september_counts_september(known):
    september = rows(monthly_stats(month=date(2026, 9, 1)))
    assert september["voluntary_commitment"][0] == 1  # M2 only
    assert september["approval_commitment"] == (1, 1, 1.0, True)  # M3/GZ-3
