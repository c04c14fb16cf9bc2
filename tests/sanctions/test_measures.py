from datetime import date

import pytest
from django.core.exceptions import ValidationError

from apps.sanctions.models import Measure, MeasureList


def test_both_lists_are_seeded_with_a_legal_basis_for_every_measure(db):
    national = Measure.objects.filter(source_list=MeasureList.NATIONAL)
    local = Measure.objects.filter(source_list=MeasureList.LOCAL)
    assert national.count() >= 5 and local.count() >= 3
    for measure in Measure.objects.all():
        measure.full_clean()
        assert measure.legal_basis
    assert all(m.region_code for m in local)


def test_a_measure_naming_an_unknown_matter_type_or_record_kind_is_refused(db):
    measure = Measure(
        code="X-01",
        source_list=MeasureList.NATIONAL,
        title="测试措施",
        legal_basis="测试依据",
        record_kinds=["no_such_kind"],
        severities=["serious"],
        matter_types=["飞行"],
        effective_from=date(2026, 1, 1),
        effective_to=date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as err:
        measure.full_clean()
    assert {"record_kinds", "matter_types", "effective_to"} <= set(err.value.message_dict)


def test_a_local_measure_must_name_its_region(db):
    measure = Measure(
        code="L-99",
        source_list=MeasureList.LOCAL,
        title="测试措施",
        legal_basis="测试依据",
        record_kinds=["administrative_penalty"],
        severities=["serious"],
        matter_types=["honours"],
        effective_from=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as err:
        measure.full_clean()
    assert "region_code" in err.value.message_dict


@pytest.mark.django_db
def test_demo_checks_by_several_departments_with_feedback_and_no_second_run(settings):
    from apps.demo.sanctions_demo import demo_seed_checks
    from apps.demo.services import DEMO_TODAY, demo_seed
    from apps.sanctions.models import CheckFeedback, CreditCheck

    settings.DEMO_MODE = True
    demo_seed(subjects=60)
    added = demo_seed_checks(today=DEMO_TODAY)
    assert added["credit_checks"] == 5 and added["check_feedback"] >= 3
    officer3_checks = CreditCheck.objects.filter(checked_by__username="officer3")
    assert officer3_checks.count() == 3
    assert all(c.on_serious_list and c.answer["records"] for c in officer3_checks)
    assert all(any(r["department"]["code"] != "YC-STHJ" for r in c.answer["records"]) for c in officer3_checks)
    assert set(CreditCheck.objects.values_list("department__code", flat=True)) == {"YC-STHJ", "YC-SW", "YC-SCJG"}
    assert demo_seed_checks(today=DEMO_TODAY) == {"credit_checks": 0, "check_feedback": 0}
    assert CheckFeedback.objects.count() == added["check_feedback"]
