import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.commitments.models import CommitmentType
from apps.commitments.services import commitment_sign, text_version_in_force
from apps.core.models import CaseEvent
from apps.core.selectors import audit_chain_breaks
from apps.sanctions.models import CheckFeedback, CreditCheck, Measure
from apps.subjects.models import NegativeRecord, RecordKind, Severity
from apps.subjects.services import subject_representative_add
from apps.subjects.uscc import make_uscc
from tests.subjects.factories import a_record, a_subject

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/credit-checks"


@pytest.fixture
def listed(users, departments):
    """A subject the market regulator put on the serious-dishonesty list, with an objection finding on file, a
    representative with contacts, and a commitment in force."""
    subject = a_subject(name="宜昌失信测试有限公司")
    users["applicant"].phone = "13900001111"
    users["applicant"].email = "zhangmin@example.com"
    users["applicant"].save(update_fields=["phone", "email"])
    subject_representative_add(subject=subject, user=users["applicant"])
    record = a_record(
        subject,
        departments["market"],
        kind=RecordKind.SERIOUS_DISHONESTY_LIST,
        severity=Severity.SERIOUS,
        legal_basis="《市场监督管理严重违法失信名单管理办法》第十条",
        facts="法定代表人张敏（电话13900001111）拒不履行",
    )
    NegativeRecord.objects.filter(pk=record.pk).update(objection_finding="异议人陈述：该处罚认定事实有误，系私下和解")
    commitment = commitment_sign(
        subject=subject,
        text_version=text_version_in_force(type=CommitmentType.CREDIT_REPAIR, on=date(2026, 5, 1)),
        signer_name="张敏",
        signed_at=datetime(2026, 5, 1, 10, tzinfo=SHANGHAI),
        acting_user=users["applicant"],
        matter_type="credit_repair",
        matter_reference="XF-2026-0001",
    )
    return {"subject": subject, "record": record, "commitment": commitment}


def run(client, uscc, matter_type="government_procurement", reference="YCZC-2026-0107"):
    return client.post(URL, {"uscc": uscc, "matter_type": matter_type, "matter_reference": reference}, format="json")


def test_an_officer_of_another_department_sees_the_listing_and_the_measures_and_nothing_private(users, api, listed):
    response = run(api(users["officer_tax"]), listed["subject"].uscc)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["on_serious_list"] is True
    assert [r["id"] for r in body["records"]] == [listed["record"].pk]
    record = body["records"][0]
    assert record["department"]["code"] == "YC-SCJG" and record["kind"] == RecordKind.SERIOUS_DISHONESTY_LIST
    codes = {m["code"] for m in body["measures"]}
    assert "N-01" in codes  # 政府采购 restricted for serious-list subjects
    assert not codes & {"N-05", "N-07"}  # honours only; ecology departments only
    for measure in body["measures"]:
        offered = Measure.objects.get(pk=measure["id"])
        assert measure["legal_basis"] == offered.legal_basis and measure["triggered_by"] == [listed["record"].pk]
    assert [c["id"] for c in body["commitments"]] == [listed["commitment"].pk]
    text = json.dumps(body, ensure_ascii=False)
    for private in ("异议人陈述", "私下和解", "13900001111", "zhangmin@example.com", "张敏", "objection_finding"):
        assert private not in text
    # the tax department's own record is not needed: it sees the market regulator's
    assert not NegativeRecord.objects.filter(department__code="YC-SW").exists()


def test_the_matter_type_and_the_department_choose_the_measures(users, api, listed):
    honours = run(api(users["officer_tax"]), listed["subject"].uscc, matter_type="honours").json()
    assert {m["code"] for m in honours["measures"]} == {"N-05"}
    approval = run(api(users["officer_tax"]), listed["subject"].uscc, matter_type="administrative_approval").json()
    assert {m["code"] for m in approval["measures"]} == {"N-03", "L-03"}  # not N-07: tax is not ecology


def test_every_check_is_recorded_with_an_audit_row_on_the_check_and_the_subject(users, api, listed):
    body = run(api(users["officer_tax"]), listed["subject"].uscc).json()
    check = CreditCheck.objects.get(pk=body["id"])
    assert check.department.code == "YC-SW" and check.checked_by == users["officer_tax"]
    assert CaseEvent.objects.filter(case_type="sanctions.creditcheck", case_id=check.pk, kind="credit_check_run")
    assert CaseEvent.objects.filter(case_type="subjects.subject", case_id=listed["subject"].pk, kind="credit_checked")
    assert list(audit_chain_breaks()) == []


def test_a_clean_or_unknown_subject_is_answered_and_recorded(users, api, db):
    clean = a_subject()
    body = run(api(users["officer"]), clean.uscc).json()
    assert body["on_serious_list"] is False and body["records"] == [] and body["measures"] == []
    unknown = make_uscc("9", "1", "420500", "MA4999999"[:8])
    response = run(api(users["officer"]), unknown)
    assert response.status_code == 201 and response.json()["subject_name"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"uscc": "91420500MA4912345X", "matter_type": "honours", "matter_reference": "A1"}, "uscc"),
        ({"uscc": "", "matter_type": "honours", "matter_reference": "A1"}, "uscc"),
        ({"matter_type": "honours", "matter_reference": "A1"}, "uscc"),
        ({"uscc": "VALID", "matter_type": "飞行许可", "matter_reference": "A1"}, "matter_type"),
        ({"uscc": "VALID", "matter_reference": "A1"}, "matter_type"),
        ({"uscc": "VALID", "matter_type": "honours", "matter_reference": ""}, "matter_reference"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(users, api, db, payload, field):
    if payload.get("uscc") == "VALID":
        payload = {**payload, "uscc": a_subject().uscc}
    response = api(users["officer"]).post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not CreditCheck.objects.exists()


def test_only_department_staff_may_check(users, api, listed):
    assert run(api(users["applicant"]), listed["subject"].uscc).status_code == 403
    assert run(api(users["monitor"]), listed["subject"].uscc).status_code == 403  # no department
    assert run(api(None), listed["subject"].uscc).status_code in (401, 403)
    assert not CreditCheck.objects.exists()


def test_feedback_names_only_a_measure_the_check_offered(users, api, listed):
    body = run(api(users["officer_tax"]), listed["subject"].uscc).json()
    offered = body["measures"][0]["id"]
    not_offered = Measure.objects.get(code="N-07").pk
    feedback_url = f"{URL}/{body['id']}/feedback"
    client = api(users["officer_tax"])

    refused = client.post(feedback_url, {"measure": not_offered, "applied": True, "note": ""}, format="json")
    assert refused.status_code == 400
    assert "measure" in refused.json()["fields"] and str(not_offered) in refused.json()["detail"]
    missing = client.post(feedback_url, {"measure": 999999, "applied": True}, format="json")
    assert missing.status_code == 400 and "measure" in missing.json()["fields"]
    bad = client.post(feedback_url, {"measure": "N-01", "applied": "perhaps"}, format="json")
    assert bad.status_code == 400 and {"measure", "applied"} <= set(bad.json()["fields"])

    ok = client.post(feedback_url, {"measure": offered, "applied": True, "note": "已拒绝其投标"}, format="json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["measure"] == offered and ok.json()["applied"] is True
    again = client.post(feedback_url, {"measure": offered, "applied": False}, format="json")
    assert again.status_code == 409
    assert CheckFeedback.objects.count() == 1
    assert CaseEvent.objects.filter(case_type="subjects.subject", kind="sanction_feedback").count() == 1

    # another department cannot read or feed back on the tax office's check; the credit office reads it
    assert api(users["officer"]).get(f"{URL}/{body['id']}").status_code == 404
    assert (
        api(users["officer"]).post(feedback_url, {"measure": offered, "applied": True}, format="json").status_code
        == 404
    )
    detail = api(users["monitor"]).get(f"{URL}/{body['id']}")
    assert detail.status_code == 200 and detail.json()["feedback"][0]["note"] == "已拒绝其投标"


def test_the_list_shows_the_department_its_own_checks(users, api, listed):
    run(api(users["officer_tax"]), listed["subject"].uscc)
    run(api(users["officer"]), listed["subject"].uscc, reference="SCJG-1")
    tax = api(users["officer_tax"]).get(URL).json()
    assert tax["count"] == 1 and tax["results"][0]["department"]["code"] == "YC-SW"
    assert api(users["monitor"]).get(URL).json()["count"] == 2
