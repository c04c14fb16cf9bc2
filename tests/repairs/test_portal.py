"""The applicant portal: file, follow, answer the 补正; the departments' lift page."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.repairs.models import RepairCase, SanctionLift
from tests.repairs.conftest import PDF, at
from tests.repairs.helpers import complete, to_review


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _form(record, key="portal-key-1", **extra):
    return {
        "submission_key": key,
        "records": [record.pk],
        "kind": "end_publication",
        "statement": "已整改",
        "contact_name": "张敏",
        "commitment_text": "XYXF-2026",
        "commitment_signer_name": "王伟",
        "commitment_signer_capacity": "法定代表人",
        "commitment_accepted": "true",
        **extra,
    }


def test_an_applicant_files_follows_and_answers_on_the_portal(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))
    portal = _client(users["applicant"])
    page = portal.get("/portal/repairs/new/")
    assert page.status_code == 200 and world["record"].decision_no in page.content.decode()
    assert "信用修复承诺书" in page.content.decode()
    upload = SimpleUploadedFile("凭证.pdf", PDF, content_type="application/pdf")
    response = portal.post("/portal/repairs/new/", {**_form(world["record"]), "evidence": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = RepairCase.objects.get()
    assert response["Location"] == f"/portal/repairs/{case.pk}/"
    # a double click sends the same form again: still one case
    upload = SimpleUploadedFile("凭证.pdf", PDF, content_type="application/pdf")
    again = portal.post("/portal/repairs/new/", {**_form(world["record"]), "evidence": upload})
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert RepairCase.objects.count() == 1

    listing = portal.get("/portal/repairs/").content.decode()
    assert case.reference in listing and "受理审查" in listing
    detail = portal.get(f"/portal/repairs/{case.pk}/").content.decode()
    assert "2026年5月25日" in detail and "凭证.pdf" in detail  # due date and the uploaded file

    complete(api(users["officer"]), case.pk, "intake", {"decision": "supplement", "missing_items": ["营业执照复印件"]})
    detail = portal.get(f"/portal/repairs/{case.pk}/").content.decode()
    assert "营业执照复印件" in detail and "提交补正材料" in detail and "补正通知书" in detail
    clock.set(at(2026, 5, 13, 10))
    upload = SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf")
    response = portal.post(f"/portal/repairs/{case.pk}/supplement/", {"files": upload, "note": "已补"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == RepairCase.Status.INTAKE
    detail = portal.get(f"/portal/repairs/{case.pk}/").content.decode()
    assert "不计入 2 个工作日" in detail  # the pause is shown

    assert _client(users["applicant2"]).get(f"/portal/repairs/{case.pk}/").status_code == 404


def test_a_refused_portal_filing_shows_the_earliest_date(clock, users, world, departments):
    from datetime import date

    from tests.subjects.factories import a_record

    record = a_record(world["subject"], departments["market"], decided=date(2026, 3, 1))
    clock.set(at(2026, 5, 11, 10))
    response = _client(users["applicant"]).post("/portal/repairs/new/", _form(record))
    assert response.status_code == 400
    assert "2026年6月1日" in response.content.decode()
    assert RepairCase.objects.count() == 0


def test_a_clerk_files_at_the_counter_and_departments_confirm_lifts_on_their_page(clock, users, world, api):
    clerk = _client(users["clerk"])
    page = clerk.get(f"/portal/repairs/new/?uscc={world['subject'].uscc}").content.decode()
    assert world["record"].decision_no in page
    response = clerk.post("/portal/repairs/new/", _form(world["record"], uscc=world["subject"].uscc))
    assert response.status_code == 302
    case = RepairCase.objects.get()
    assert case.channel == "counter"
    officer = api(users["officer"])
    to_review(officer, case.pk)
    complete(api(users["reviewer"]), case.pk, "review", {"outcome": "approve"})
    tax_page = _client(users["officer_tax"])
    lifts = tax_page.get("/portal/repairs/lifts/").content.decode()
    assert case.reference in lifts and "确认已解除" in lifts
    tax_lift = SanctionLift.objects.get(case=case, department__code="YC-SW")
    market_lift = SanctionLift.objects.get(case=case, department__code="YC-SCJG")
    assert tax_page.post(f"/portal/repairs/lifts/{market_lift.pk}/confirm/").status_code == 404
    assert tax_page.post(f"/portal/repairs/lifts/{tax_lift.pk}/confirm/").status_code == 302
    tax_lift.refresh_from_db()
    assert tax_lift.status == SanctionLift.Status.CONFIRMED
    assert _client(users["applicant"]).get("/portal/repairs/lifts/").status_code == 403
