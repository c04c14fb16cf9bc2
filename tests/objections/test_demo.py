from datetime import date

import pytest

from apps.core.selectors import audit_chain_breaks
from apps.demo.objections_demo import demo_seed_objections
from apps.demo.services import demo_seed
from apps.objections.models import Objection, ObjectionParty

pytestmark = pytest.mark.django_db


def test_demo_objections_in_several_states_once(api):
    demo_seed(subjects=40, today=date(2026, 11, 20))
    first = demo_seed_objections(today=date(2026, 11, 20))
    assert first["objections"] >= 4
    statuses = set(Objection.objects.values_list("status", flat=True))
    assert {"verifying", "closed"} <= statuses
    assert demo_seed_objections(today=date(2026, 11, 20)) == {"objections": 0}
    # the second enterprise joined one of applicant1's open cases as a party of its own
    joined = ObjectionParty.objects.get(role=ObjectionParty.Role.JOINED)
    assert joined.applicant.username == "applicant2" and joined.objection.applicant.username == "applicant1"
    assert joined.statement and joined.commitment.signer_name == "孙立军"
    assert list(audit_chain_breaks()) == []
