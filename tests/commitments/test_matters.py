"""Every kind of commitment against a matter (issue 14, deliverable 5): recorded by an officer or signed online by the
subject's representative, over the API and on the pages; each audience sees its own output and only what it may; the
fulfilment check is scheduled by the type's rule row and recorded once; a broken commitment becomes a negative record
of the checking department, audited in the same transaction."""

import json
import re
from datetime import date

import pytest
from django.test import Client

from apps.commitments.models import Commitment, CommitmentType, FulfilmentCheck
from apps.core import clock
from apps.core.models import CaseEvent
from apps.core.selectors import audit_chain_breaks
from apps.rules.models import Rule
from apps.sla.workdays import add_working_days
from apps.subjects.models import NegativeRecord, RecordKind
from apps.subjects.services import subject_representative_add
from tests.subjects.factories import a_subject

API = "/api/v1/commitments"
CHECKS = "/api/v1/commitments/checks"


@pytest.fixture
def firms(users):
    mine = a_subject(name="宜昌守信建材有限公司")
    theirs = a_subject(name="宜昌另一家贸易有限公司")
    subject_representative_add(subject=mine, user=users["applicant"])
    subject_representative_add(subject=theirs, user=users["applicant2"])
    return {"mine": mine, "theirs": theirs}


def staff_input(subject, **overrides):
    values = {
        "uscc": subject.uscc,
        "type": CommitmentType.APPROVAL_SUBSTITUTE,
        "matter_type": "commitment_approval",
        "matter_reference": "YCSP-2026-0042",
        "signer_name": "李明",
        "accepted": True,
    }
    return {**values, **overrides}


def party_input(subject, **overrides):
    values = {
        "uscc": subject.uscc,
        "type": CommitmentType.INDUSTRY_SELF_DISCIPLINE,
        "matter_type": "industry_association",
        "matter_reference": "宜昌市建材行业协会自律公约",
        "signer_name": "王芳",
        "department": "YC-SCJG",
        "accepted": True,
    }
    return {**values, **overrides}


def test_an_officer_records_a_commitment_received_by_the_department_with_its_check_scheduled(api, users, firms):
    response = api(users["officer"]).post(API, staff_input(firms["mine"]), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type_display"] == "审批替代型" and body["matter_type_display"] == "告知承诺制审批"
    assert body["department_name"] == "宜昌市市场监督管理局" and body["channel"] == "staff"
    assert body["text_version"] == "SPTD-2020" and body["signer_name"] == "李明"
    rule = Rule.objects.get(code="commitment.check.approval_substitute")
    due = add_working_days(clock.today(), rule.value)
    assert [(c["due_date"], c["status"]) for c in body["checks"]] == [(due.isoformat(), "due")]
    commitment = Commitment.objects.get(pk=body["id"])
    assert commitment.signer_user is None and commitment.channel == Commitment.Channel.STAFF
    signed = CaseEvent.objects.get(case_type="commitments.commitment", case_id=commitment.pk, kind="commitment_signed")
    assert signed.data["matter_reference"] == "YCSP-2026-0042" and signed.data["check_due"] == due.isoformat()


def test_a_representative_signs_for_its_own_subject_and_sees_only_its_own(api, users, firms):
    applicant = api(users["applicant"])
    response = applicant.post(API, party_input(firms["mine"]), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    # the party's output: no internal key, no officer, no check schedule
    assert "owner_type" not in body and "checks" not in body and "checking_department" not in body
    assert body["channel_display"] == "主体在线签署" and body["department_name"] == "宜昌市市场监督管理局"
    assert Commitment.objects.get(pk=body["id"]).signer_user == users["applicant"]
    # another enterprise can neither sign for this subject nor see the commitment
    other = api(users["applicant2"])
    refused = other.post(API, party_input(firms["mine"]), format="json")
    assert refused.status_code == 400 and "uscc" in refused.json()["fields"]
    assert other.get(f"{API}/{body['id']}").status_code == 404
    assert other.get(API).json()["count"] == 0
    assert [row["id"] for row in applicant.get(API).json()["results"]] == [body["id"]]
    # the officer of the receiving department sees it with the staff output; the tax officer does not
    assert api(users["officer"]).get(f"{API}/{body['id']}").json()["checks"][0]["status"] == "due"
    assert api(users["officer_tax"]).get(f"{API}/{body['id']}").status_code == 404


@pytest.mark.parametrize(
    ("who", "overrides", "field"),
    [
        ("officer", {"uscc": ""}, "uscc"),
        ("officer", {"uscc": "91420500MA49999999"}, "uscc"),
        ("officer", {"type": "objection_appeal"}, "type"),
        ("officer", {"type": "nonsense"}, "type"),
        ("officer", {"matter_type": "industry_association"}, "matter_type"),
        ("officer", {"matter_type": "tea_party"}, "matter_type"),
        ("officer", {"matter_reference": "   "}, "matter_reference"),
        ("officer", {"matter_reference": "x" * 101}, "matter_reference"),
        ("officer", {"signer_name": ""}, "signer_name"),
        ("officer", {"accepted": False}, "accepted"),
        ("officer", {"text_version": "HYZL-2020"}, "text_version"),
        ("officer", {"text_version": "NOPE"}, "text_version"),
        ("officer", {"signed_on": "2099-01-01"}, "signed_on"),
        ("officer", {"signed_on": "2026-02-30"}, "signed_on"),
        ("applicant", {"department": None}, "department"),
        ("applicant", {"department": "NO-SUCH"}, "department"),
    ],
)
def test_each_bad_input_is_a_400_naming_the_field(api, users, firms, who, overrides, field):
    make = staff_input if who == "officer" else party_input
    data = {k: v for k, v in make(firms["mine"], **overrides).items() if v is not None}
    response = api(users[who]).post(API, data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    assert Commitment.objects.count() == 0


def test_who_may_not_record_commitments(api, users, firms):
    assert api(users["trainer"]).post(API, staff_input(firms["mine"]), format="json").status_code == 403
    assert api(None).post(API, staff_input(firms["mine"]), format="json").status_code in (401, 403)
    assert api(users["applicant"]).get(CHECKS).status_code == 403


def test_fulfilment_check_recorded_once_and_a_broken_commitment_becomes_a_record(api, users, firms, departments):
    officer = api(users["officer"])
    first = officer.post(API, staff_input(firms["mine"]), format="json").json()
    second = officer.post(
        API,
        staff_input(firms["mine"], type="tolerance_acceptance", matter_type="administrative_approval"),
        format="json",
    ).json()
    due = officer.get(CHECKS).json()
    assert [row["commitment"] for row in due["results"]] == [second["id"], first["id"]]  # the nearer due date first
    assert api(users["officer_tax"]).get(CHECKS).json()["count"] == 0
    assert api(users["monitor"]).get(CHECKS).json()["count"] == 2
    kept_id, broken_id = (row["id"] for row in due["results"])

    assert officer.post(f"{CHECKS}/{kept_id}", {"fulfilled": True}, format="json").json()["status"] == "fulfilled"
    again = officer.post(f"{CHECKS}/{kept_id}", {"fulfilled": False, "note": "补交材料不符"}, format="json")
    assert again.status_code == 409
    assert api(users["officer_tax"]).post(f"{CHECKS}/{broken_id}", {"fulfilled": True}).status_code == 404
    no_note = officer.post(f"{CHECKS}/{broken_id}", {"fulfilled": False}, format="json")
    assert no_note.status_code == 400 and "note" in no_note.json()["fields"]
    bad = officer.post(f"{CHECKS}/{broken_id}", {"fulfilled": "maybe"}, format="json")
    assert bad.status_code == 400 and "fulfilled" in bad.json()["fields"]

    broken = officer.post(
        f"{CHECKS}/{broken_id}", {"fulfilled": False, "note": "未在期限内补齐告知承诺材料"}, format="json"
    )
    assert broken.status_code == 200, broken.content
    assert broken.json()["status_display"] == "违反承诺"
    record = NegativeRecord.objects.get(pk=broken.json()["violation_record"])
    assert record.subject == firms["mine"] and record.kind == RecordKind.OTHER
    assert record.department == departments["market"] and "未在期限内补齐告知承诺材料" in record.facts
    assert officer.post(f"{CHECKS}/{broken_id}", {"fulfilled": False, "note": "再次"}, format="json").status_code == 409
    assert NegativeRecord.objects.filter(subject=firms["mine"]).count() == 1
    assert CaseEvent.objects.filter(case_type="subjects.negativerecord", case_id=record.pk).exists()
    checked = CaseEvent.objects.get(case_type="commitments.commitment", case_id=first["id"], kind="commitment_checked")
    assert checked.data["checks"] == [broken_id] and checked.data["violation_record"] == record.pk
    assert list(audit_chain_breaks()) == []
    assert officer.get(CHECKS).json()["count"] == 0
    assert officer.get(CHECKS, {"status": "broken"}).json()["results"][0]["id"] == broken_id
    assert officer.get(CHECKS, {"status": "late"}).status_code == 400


def test_a_type_without_a_rule_row_schedules_no_check(api, users, firms):
    Rule.objects.filter(code="commitment.check.voluntary_public").delete()
    body = (
        api(users["officer"])
        .post(
            API,
            staff_input(
                firms["mine"], type="voluntary_public", matter_type="public_pledge", matter_reference="2026年度"
            ),
            format="json",
        )
        .json()
    )
    assert body["checks"] == [] and FulfilmentCheck.objects.count() == 0


def visible(html: str) -> str:
    """The text a reader sees: tags (and the option values inside them) removed."""
    return re.sub(r"<[^>]+>", " ", html)


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_staff_pages_record_list_and_check_in_chinese(users, firms):
    client = login(users["officer"])
    page = client.get("/workbench/commitments/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "录入纸质信用承诺" in text and "履约践诺核查" in text and "信用承诺" in text
    bad = client.post("/workbench/commitments/", {**staff_input(firms["mine"]), "matter_type": "industry_association"})
    assert bad.status_code == 400 and "该类承诺不能针对此类事项作出" in bad.content.decode()
    good = client.post("/workbench/commitments/", {**staff_input(firms["mine"]), "signed_on": "2026-03-02"})
    assert good.status_code == 302, good.content.decode()[:2000]
    commitment = Commitment.objects.get()
    listed = visible(client.get("/workbench/commitments/").content.decode())
    assert "2026年3月2日" in listed and "告知承诺制审批" in listed and "approval_substitute" not in listed
    check = commitment.fulfilment_checks.get()
    assert check.due_date == add_working_days(date(2026, 3, 2), 40)
    checks = visible(client.get("/workbench/commitments/checks/").content.decode())
    assert "已超期" in checks and "commitment_approval" not in checks  # due in April 2026, before today
    client.post(f"/workbench/commitments/checks/{check.pk}/record/", {"fulfilled": "0", "note": "承诺不实"})
    check.refresh_from_db()
    assert check.status == FulfilmentCheck.Status.BROKEN and check.commitment.violation_record_id
    assert login(users["applicant"]).get("/workbench/commitments/").status_code == 403


def test_portal_page_signs_and_shows_only_my_subjects(users, firms):
    mine = login(users["applicant"])
    page = mine.get("/portal/commitments/").content.decode()
    assert "签署信用承诺" in page and "行业自律型信用承诺书" in page and firms["theirs"].name not in page
    missing = mine.post("/portal/commitments/", {**party_input(firms["mine"]), "accepted": ""})
    assert missing.status_code == 400
    assert mine.post("/portal/commitments/", party_input(firms["mine"])).status_code == 302
    # another enterprise's form offers only its own subjects: mine is not a valid choice
    theirs = login(users["applicant2"])
    refused = theirs.post("/portal/commitments/", party_input(firms["mine"]))
    assert refused.status_code == 400
    assert Commitment.objects.filter(subject=firms["mine"]).count() == 1
    shown = theirs.get("/portal/commitments/").content.decode()
    assert firms["mine"].name not in shown and "暂无信用承诺" in shown
    listed = visible(mine.get("/portal/commitments/").content.decode())
    assert "行业协会自律公约" in listed and "年" in listed and "industry_self_discipline" not in listed


def test_menus_by_role(users):
    from apps.core.context_processors import nav_links

    def urls(user):
        return [url for _label, url in nav_links(user)]

    assert "/portal/commitments/" in urls(users["applicant"])
    assert "/workbench/commitments/" not in urls(users["applicant"])
    assert "/workbench/commitments/checks/" in urls(users["officer"]) and "/workbench/commitments/" in urls(
        users["monitor"]
    )
    assert "/workbench/commitments/" not in urls(users["trainer"])


def test_the_public_register_never_shows_the_matter_or_signer(api, users, firms):
    api(users["applicant"]).post(API, party_input(firms["mine"]), format="json")
    text = json.dumps(api(None).get("/api/v1/commitments/register").json(), ensure_ascii=False)
    assert firms["mine"].name in text and "王芳" not in text


def test_due_checks_list_stays_within_a_query_budget(api, users, firms, django_assert_max_num_queries):
    officer = api(users["officer"])
    for n in range(5):
        officer.post(API, staff_input(firms["mine"], matter_reference=f"YCSP-{n}"), format="json")
    with django_assert_max_num_queries(12):
        assert officer.get(CHECKS).json()["count"] == 5
    with django_assert_max_num_queries(14):
        assert officer.get(API).json()["count"] == 5


def test_signed_on_before_any_text_takes_effect_is_a_400_on_that_date(api, users, firms):
    response = api(users["officer"]).post(
        API,
        staff_input(firms["mine"], type="certification_notice", matter_type="certification", signed_on="2020-10-01"),
        format="json",
    )
    assert response.status_code == 400 and "signed_on" in response.json()["fields"]
