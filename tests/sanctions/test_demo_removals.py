"""Demo data for the removals and the case report: loaded through the services, once."""

import pytest

from apps.core.selectors import audit_chain_breaks
from apps.notifications.models import Notification
from apps.sanctions.models import CaseReport, MeasureRemoval


@pytest.mark.django_db
def test_demo_removals_and_case_report_are_loaded_once(settings):
    from apps.demo.sanctions_demo import demo_seed_case_reports, demo_seed_checks, demo_seed_removals
    from apps.demo.services import DEMO_TODAY, demo_seed

    settings.DEMO_MODE = True
    demo_seed(subjects=30)
    demo_seed_checks(today=DEMO_TODAY)
    assert demo_seed_removals(today=DEMO_TODAY) == {"measure_removals": 2}
    statuses = dict(MeasureRemoval.objects.values_list("department__code", "status"))
    assert statuses == {"YC-SW": "pending", "YC-STHJ": "confirmed"}  # the market regulator applied nothing
    notified = Notification.objects.filter(event_key__startswith="measure_removal:")
    assert {n.recipient.department.code for n in notified} == {"YC-SW", "YC-STHJ"}
    assert demo_seed_removals(today=DEMO_TODAY) == {"measure_removals": 0}
    assert demo_seed_case_reports() == {"case_reports": 1}
    assert demo_seed_case_reports() == {"case_reports": 0}
    assert CaseReport.objects.get().department.code == "YC-STHJ"
    assert list(audit_chain_breaks()) == []
