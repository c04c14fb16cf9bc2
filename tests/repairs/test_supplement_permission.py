"""Who may answer a 补正: the portal offers the form to exactly those the service accepts (one rule for both)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from guardian.shortcuts import assign_perm

from apps.core.errors import ApplicationError
from apps.repairs.models import RepairCase
from apps.repairs.selectors import can_answer_supplement
from apps.repairs.services import repair_supplement_answer
from tests.repairs.conftest import PDF, at, filing
from tests.repairs.helpers import complete

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _offered(user, case_id: int) -> bool:
    page = _client(user).get(f"/portal/repairs/{case_id}/")
    return page.status_code == 200 and f'action="/portal/repairs/{case_id}/supplement/"' in page.content.decode()


def _waiting_for_supplement(api, users, filer: str, body: dict, **kwargs) -> RepairCase:
    response = api(users[filer]).post("/api/v1/repairs", body, **kwargs)
    assert response.status_code == 201, response.json()
    complete(
        api(users["officer"]),
        response.json()["id"],
        "intake",
        {"decision": "supplement", "missing_items": ["营业执照复印件"]},
    )
    case = RepairCase.objects.get(pk=response.json()["id"])
    assert case.status == RepairCase.Status.SUPPLEMENT
    return case


def _answer(api, user, case_id: int) -> int:
    upload = SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf")
    return api(user).post(f"/api/v1/repairs/{case_id}/supplement", {"files": [upload]}, format="multipart").status_code


def test_an_online_case_is_answered_by_its_applicant_only_and_the_page_agrees(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))
    case = _waiting_for_supplement(api, users, "applicant", filing(world["record"]), format="json")
    assert case.channel == "online"
    # A clerk of the case's department sees the case (the page opens), yet the answer is the applicant's.
    assign_perm("repairs.view_repaircase", users["clerk"], case)
    assert _client(users["clerk"]).get(f"/portal/repairs/{case.pk}/").status_code == 200
    for name in ("clerk", "officer", "applicant2"):
        user = users[name]
        assert not can_answer_supplement(user=user, case=case)
        assert not _offered(user, case.pk), name  # the clerk was offered a form the service refused
        assert _answer(api, user, case.pk) in (403, 404)
    with pytest.raises(ApplicationError) as refused:
        repair_supplement_answer(case=case, uploads=[], note="窗口代为补正", acting_user=users["clerk"])
    assert refused.value.status_code == 403
    assert can_answer_supplement(user=users["applicant"], case=case) and _offered(users["applicant"], case.pk)
    assert _answer(api, users["applicant"], case.pk) == 200


def test_a_counter_case_is_answered_by_the_clerk_or_the_applicant_and_the_page_agrees(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))
    scan = SimpleUploadedFile("承诺书扫描件.pdf", PDF, content_type="application/pdf")
    body = {**filing(world["record"]), "evidence": [scan]}
    case = _waiting_for_supplement(api, users, "clerk", body, format="multipart")
    assert case.channel == "counter"
    for name in ("clerk", "applicant"):
        assert can_answer_supplement(user=users[name], case=case) and _offered(users[name], case.pk), name
    assert not can_answer_supplement(user=users["applicant2"], case=case)
    assert not _offered(users["applicant2"], case.pk)
    assert _answer(api, users["clerk"], case.pk) == 200
