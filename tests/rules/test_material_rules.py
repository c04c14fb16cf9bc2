"""Repair material requirements are read in one place (rules.selectors.repair_material_rules): the repair notice of a
decision, the eligibility check and the filed case agree."""

from datetime import date

import pytest

from apps.accounts.models import Department
from apps.decisions.models import DecisionKind, PenaltyDecision
from apps.decisions.services import repair_materials
from apps.repairs.eligibility import material_rules
from apps.rules.models import Rule, RuleCode
from apps.rules.selectors import RepairMaterialRules, repair_material_rules
from apps.subjects.models import NegativeRecord

pytestmark = pytest.mark.django_db

ON = date(2026, 6, 1)
YICHANG = Department(code="t", name="宜昌市税务局", region_code="420500", sector=Department.Sector.TAX)


def _require(code: str, *, region_code: str = "", value: int = 1) -> Rule:
    return Rule.objects.create(
        code=code, value=value, region_code=region_code, effective_from=ON, source="测试本地规则"
    )


def test_the_seeded_rows_require_no_optional_evidence():
    needs = repair_material_rules(on=ON, record_kind="administrative_penalty", region_code="420500")
    assert set(needs.rows) == {RuleCode.REPAIR_REQUIRES_TRAINING, RuleCode.REPAIR_REQUIRES_CREDIT_REPORT}
    assert not needs.requires_training and not needs.requires_credit_report
    assert not repair_material_rules(on=date(2020, 1, 1)).rows  # no row in force: nothing is required


def test_a_regional_row_is_read_the_same_by_the_notice_and_the_eligibility_check():
    _require(RuleCode.REPAIR_REQUIRES_TRAINING, region_code="4205")
    decision = PenaltyDecision(
        kind=DecisionKind.ADMINISTRATIVE_PENALTY,
        decision_date=ON,
        severity="general",
        department=YICHANG,
    )
    notice = repair_materials(decision=decision)
    assert "参加信用修复专题培训的证明" in notice and "信用报告" not in notice

    here = NegativeRecord(kind=decision.record_kind, severity="general", department=YICHANG)
    elsewhere = NegativeRecord(
        kind=decision.record_kind,
        severity="general",
        department=Department(code="w", name="武汉", region_code="420100", sector=Department.Sector.TAX),
    )
    assert material_rules(on=ON, records=[here]).requires_training
    assert not material_rules(on=ON, records=[elsewhere]).requires_training
    assert material_rules(on=ON, records=[elsewhere, here]).requires_training  # any record's row may ask


def test_strictest_keeps_the_row_that_requires():
    required = Rule(code=RuleCode.REPAIR_REQUIRES_CREDIT_REPORT, value=1, effective_from=ON, source="a")
    not_required = Rule(code=RuleCode.REPAIR_REQUIRES_CREDIT_REPORT, value=0, effective_from=ON, source="b")
    merged = RepairMaterialRules.strictest(
        [RepairMaterialRules({str(RuleCode.REPAIR_REQUIRES_CREDIT_REPORT): r}) for r in (not_required, required)]
    )
    assert merged.requires_credit_report and merged.rows[RuleCode.REPAIR_REQUIRES_CREDIT_REPORT].source == "a"
