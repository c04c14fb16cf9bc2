import pytest
from django.test import Client

from apps.sanctions.models import CheckFeedback, CreditCheck
from apps.subjects.models import RecordKind, Severity
from tests.subjects.factories import a_record, a_subject

PAGE = "/workbench/credit-check/"


@pytest.fixture
def listed(departments):
    subject = a_subject(name="宜昌页面测试有限公司")
    a_record(subject, departments["market"], kind=RecordKind.SERIOUS_DISHONESTY_LIST, severity=Severity.SERIOUS)
    return subject


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_officer_runs_a_check_and_feeds_back_on_the_page(users, listed):
    client = signed_in(users["officer_tax"])
    assert "信用核查" in client.get(PAGE).content.decode()
    response = client.post(
        PAGE,
        {"action": "check", "uscc": listed.uscc, "matter_type": "government_procurement", "matter_reference": "ZC-9"},
    )
    check = CreditCheck.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?check={check.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "列入严重失信主体名单" in page and "限制参加政府采购活动" in page and "宜昌市市场监督管理局" in page
    measure = check.measures.get(code="N-01")
    client.post(
        PAGE, {"action": "feedback", "check": check.pk, "measure": measure.pk, "applied": "1", "note": "已拒绝"}
    )
    assert CheckFeedback.objects.get().note == "已拒绝"
    page = client.get(f"{PAGE}?check={check.pk}").content.decode()
    assert "已拒绝" in page and f'name="measure" value="{measure.pk}"' not in page  # fed back: no form left


def test_a_bad_code_is_shown_on_the_form_and_nothing_is_recorded(users, db):
    client = signed_in(users["officer"])
    response = client.post(
        PAGE, {"action": "check", "uscc": "91420500MA4912345X", "matter_type": "honours", "matter_reference": "P1"}
    )
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not CreditCheck.objects.exists()


def test_another_department_does_not_see_the_check_and_an_applicant_not_the_page(users, listed):
    client = signed_in(users["officer_tax"])
    client.post(PAGE, {"action": "check", "uscc": listed.uscc, "matter_type": "honours", "matter_reference": "H1"})
    check = CreditCheck.objects.get()
    assert signed_in(users["officer"]).get(f"{PAGE}?check={check.pk}").status_code == 404
    assert signed_in(users["monitor"]).get(f"{PAGE}?check={check.pk}").status_code == 200
    assert signed_in(users["applicant"]).get(PAGE).status_code == 403
