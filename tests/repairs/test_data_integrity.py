"""What the database itself holds on repair cases: nobody reviews their own proposal, references are unique, and the
补正 answer date is the supplement deadline's, so a calendar change moves it."""

import pytest
from django.db import IntegrityError, transaction

from apps.core.errors import ApplicationError
from apps.repairs.models import RepairCase
from apps.repairs.services import repair_review
from tests.repairs.conftest import at, filing
from tests.repairs.helpers import complete, to_review


def _file(api, users, world):
    response = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_the_service_refuses_self_review_first_and_the_database_refuses_it_anyway(clock, users, world, api):
    case_id = _file(api, users, world)
    to_review(api(users["officer"]), case_id)
    case = RepairCase.objects.get(pk=case_id)
    assert case.proposed_by == users["officer"]
    with pytest.raises(ApplicationError) as refused:
        repair_review(case=case, outcome="approve", note="", acting_user=users["officer"])
    assert (refused.value.code, refused.value.status_code) == ("repair_same_person", 403)
    with pytest.raises(IntegrityError), transaction.atomic():
        RepairCase.objects.filter(pk=case_id).update(reviewed_by=users["officer"], reviewed_at=case.proposed_at)
    # a review older than the proposal (a return before this proposal) is not a review of it
    RepairCase.objects.filter(pk=case_id).update(reviewed_by=users["officer"], reviewed_at=at(2026, 5, 1))


def test_two_cases_never_share_a_reference(clock, users, world, api):
    first = _file(api, users, world)
    RepairCase.objects.filter(pk=first).update(status=RepairCase.Status.WITHDRAWN)
    world["record"].repair_status = "none"
    world["record"].save(update_fields=["repair_status"])
    second = _file(api, users, world)
    references = dict(RepairCase.objects.filter(pk__in=[first, second]).values_list("pk", "reference"))
    assert references[first] != references[second] and all(references.values())
    with pytest.raises(IntegrityError), transaction.atomic():
        RepairCase.objects.filter(pk=second).update(reference=references[first])


def test_a_holiday_entered_after_the_supplement_request_moves_its_answer_date(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))  # Monday
    case_id = _file(api, users, world)
    complete(api(users["officer"]), case_id, "intake", {"decision": "supplement", "missing_items": ["缴款凭证"]})
    applicant = api(users["applicant"])
    assert applicant.get(f"/api/v1/repairs/{case_id}").json()["supplement"]["answer_by"] == "2026-05-25"

    response = api(users["admin"]).put(
        "/api/v1/calendar/days/2026-05-20", {"is_workday": False, "name": "测试假日"}, format="json"
    )
    assert response.status_code == 200 and response.json()["deadlines_moved"] >= 1, response.content
    assert RepairCase.objects.get(pk=case_id).supplement_answer_by.isoformat() == "2026-05-26"
    assert applicant.get(f"/api/v1/repairs/{case_id}").json()["supplement"]["answer_by"] == "2026-05-26"

    clock.set(at(2026, 5, 26, 10))  # the moved last day: still in time
    answered = applicant.post(f"/api/v1/repairs/{case_id}/supplement", {"note": "已补齐"}, format="json")
    assert answered.status_code == 200, answered.json()
