from datetime import date

import pytest

from apps.core.errors import ApplicationError
from apps.rules.models import Rule
from apps.rules.selectors import rule_in_force
from apps.subjects.services import publication_window

pytestmark = pytest.mark.django_db


def test_order_58_until_march_2026_and_order_36_after():
    before = rule_in_force(code="publication.max_months", on=date(2026, 3, 20), severity="minor")
    after = rule_in_force(code="publication.max_months", on=date(2026, 4, 2), severity="minor")
    assert "第58号" in before.source and before.value == 0
    assert "第36号" in after.source and after.value == 3


def test_objection_mark_cites_order_36_for_objections_filed_from_april_2026():
    before = rule_in_force(code="objection.mark", on=date(2026, 3, 31))
    after = rule_in_force(code="objection.mark", on=date(2026, 4, 1))
    assert "第58号" in before.source and before.effective_to == date(2026, 3, 31)
    assert "第36号" in after.source and after.effective_to is None and after.value == 1


def test_every_order_58_row_ends_when_order_36_takes_over():
    assert not Rule.objects.filter(source__contains="第58号", effective_to__isnull=True).exists()


def test_minor_record_under_order_58_is_not_published_and_under_order_36_is():
    w58 = publication_window(
        kind="administrative_penalty",
        severity="minor",
        decision_date=date(2026, 3, 20),
        sector="tax",
        region_code="420500",
    )
    w36 = publication_window(
        kind="administrative_penalty",
        severity="minor",
        decision_date=date(2026, 4, 2),
        sector="tax",
        region_code="420500",
    )
    assert w58["publication_status"] == "not_published" and w58["publish_until"] is None
    assert w36["publication_status"] == "published" and w36["publish_until"] == date(2026, 7, 2)


def test_samr_rows_apply_to_market_regulation_from_2025_12_25():
    rule = rule_in_force(
        code="publication.max_months", on=date(2026, 1, 5), severity="minor", sector="market_regulation"
    )
    assert "市场监管总局令第107号" in rule.source
    other = rule_in_force(code="publication.max_months", on=date(2026, 1, 5), severity="minor", sector="tax")
    assert "第58号" in other.source


def test_serious_window_ends_at_month_end_when_day_is_missing():
    w = publication_window(
        kind="serious_dishonesty_list",
        severity="serious",
        decision_date=date(2024, 2, 29),
        sector="tax",
        region_code="420500",
    )
    assert w["repair_earliest"] == date(2025, 2, 28)
    assert w["publish_until"] == date(2027, 2, 28)


def test_more_specific_region_row_wins():
    Rule.objects.create(
        code="objection.close", value=3, region_code="4205", effective_from=date(2026, 1, 1), source="宜昌本地"
    )
    assert rule_in_force(code="objection.close", on=date(2026, 6, 1), region_code="420502").value == 3
    assert rule_in_force(code="objection.close", on=date(2026, 6, 1), region_code="110101").value == 5


def test_missing_rule_is_a_clear_error():
    with pytest.raises(ApplicationError) as exc:
        rule_in_force(code="repair.portal_answer", on=date(2020, 1, 1))
    assert exc.value.code == "rule_missing" and "2020-01-01" in exc.value.detail
