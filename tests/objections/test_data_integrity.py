"""What the database itself refuses on objections: a reviewer approving their own proposal, two cases with one
reference, and a second open case on one record, whose statuses come from the model's open-status set."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Q

from apps.core.errors import ApplicationError
from apps.objections.models import OPEN_STATUSES, Objection, Outcome
from apps.objections.services import objection_propose, objection_review

from .test_services import file

pytestmark = pytest.mark.django_db


def test_the_service_refuses_self_review_first_and_the_database_refuses_it_anyway(world):
    objection = file(world).objection
    objection_propose(objection=objection, outcome=Outcome.KEPT, reasons="信息准确。", acting_user=world["officer"])
    with pytest.raises(ApplicationError) as refused:
        objection_review(objection=objection, approve=True, acting_user=world["officer"])
    assert (refused.value.code, refused.value.status_code) == ("same_person", 403)
    with pytest.raises(IntegrityError), transaction.atomic():
        Objection.objects.filter(pk=objection.pk).update(reviewed_by=world["officer"])
    Objection.objects.filter(pk=objection.pk).update(reviewed_by=world["reviewer"])  # somebody else: fine


def test_two_cases_never_share_a_reference_while_blank_ones_may_wait_for_theirs(world):
    first = file(world).objection
    Objection.objects.filter(pk=first.pk).update(status=Objection.Status.CLOSED)
    second = file(world, subject="b", user="applicant2").objection
    assert first.reference != second.reference
    with pytest.raises(IntegrityError), transaction.atomic():
        Objection.objects.filter(pk=second.pk).update(reference=first.reference)
    Objection.objects.filter(pk__in=[first.pk, second.pk]).update(reference="")  # blank between insert and id


def test_the_one_open_case_constraint_is_the_open_status_set():
    constraint = next(c for c in Objection._meta.constraints if c.name == "objections_one_open_case_per_record")
    assert constraint.condition == Q(status__in=list(OPEN_STATUSES))
    assert set(OPEN_STATUSES) == set(Objection.Status.values) - {Objection.Status.CLOSED}
