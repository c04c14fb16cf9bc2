from datetime import date

from apps.accounts.models import Role
from apps.accounts.services import user_create
from apps.core.selectors import audit_chain_breaks
from apps.demo.repairs_demo import PLAN, demo_seed_repairs
from apps.repairs.models import RepairCase


def test_demo_repair_cases_in_several_states_idempotently(users, departments):
    user_create(username="officer2", password="x-pass-2026", role=Role.OFFICER, department=departments["tax"])
    assert demo_seed_repairs(today=date(2026, 11, 20)) == {"repair_cases": len(PLAN)}
    assert demo_seed_repairs(today=date(2026, 11, 20)) == {"repair_cases": 0}
    states = dict(RepairCase.objects.values_list("subject__name", "status"))
    assert states == {name: state for name, state, _channel, _days, _who in PLAN}
    # the second enterprise's cases are its own: applicant2 represents their subjects, applicant1 does not
    for name, _state, _channel, _days, who in PLAN:
        case = RepairCase.objects.get(subject__name=name)
        assert set(case.subject.representatives.values_list("username", flat=True)) == {who}
    assert list(audit_chain_breaks()) == []
