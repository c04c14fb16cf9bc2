"""信用报告: public records with their statuses, list status, sanctions, and the sections from other apps."""

from datetime import date
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.utils import timezone

from apps.letters.models import Letter
from apps.reports.credit_report import credit_report_context, sections
from apps.reports.models import CreditReportRequest
from apps.subjects.models import NegativeRecord, Sanction
from apps.subjects.services import record_create, subject_representative_add
from tests.letters.support import compact, make_subject, pdf_text


@pytest.fixture
def subject(departments):
    subject = make_subject("宜昌市示例建材有限公司")
    record_create(
        subject=subject,
        kind="administrative_penalty",
        severity="general",
        department=departments["market"],
        decision_no="宜市监处罚〔2026〕31号",
        decision_date=date(2026, 5, 10),
    )
    listed = record_create(
        subject=subject,
        kind="serious_dishonesty_list",
        severity="serious",
        department=departments["tax"],
        decision_no="宜税列严〔2026〕2号",
        decision_date=date(2026, 3, 2),
        sanctions=[(departments["market"], "限制参与政府采购"), (departments["tax"], "提高纳税信用评价频次")],
    )
    ended = record_create(
        subject=subject,
        kind="administrative_penalty",
        severity="minor",
        department=departments["market"],
        decision_no="宜市监处罚〔2025〕9号",
        decision_date=date(2025, 6, 1),
    )
    NegativeRecord.objects.filter(pk=ended.pk).update(publication_status=NegativeRecord.PublicationStatus.ENDED_EXPIRED)
    Sanction.objects.filter(record=listed, measure="提高纳税信用评价频次").update(
        status=Sanction.Status.LIFTED, lifted_at=timezone.now()
    )
    return subject


def request_report(api, user, uscc, run_on_commit):
    with run_on_commit():
        response = api(user).post(f"/api/v1/subjects/{uscc}/credit-report", {"purpose": "招投标"}, format="json")
    assert response.status_code == 201, response.json()
    return Letter.objects.get(pk=response.json()["letter"]["id"]), response.json()


def test_report_lists_records_statuses_list_and_sanctions(api, users, subject, run_on_commit):
    subject_representative_add(subject=subject, user=users["applicant"])
    letter, body = request_report(api, users["applicant"], subject.uscc, run_on_commit)
    assert letter.status == Letter.Status.RENDERED, letter.error
    assert body["report_no"].startswith("XYBG-")
    assert set(body) == {"request", "report_no", "letter"} and isinstance(body["request"], int)
    assert (
        letter.department.name == "宜昌市信用办"
    )  # an applicant belongs to no department: the credit office issues it
    text = compact(pdf_text((Path(settings.PRIVATE_STORAGE_ROOT) / letter.file_path).read_bytes()))
    for expected in [
        "信用报告",
        "宜昌市示例建材有限公司",
        subject.uscc,
        "该主体目前被列入严重失信主体名单",
        "宜市监处罚〔2026〕31号",
        "宜税列严〔2026〕2号",
        "宜市监处罚〔2025〕9号",
        "公示期满，停止公示",
        "公示中2条，共3条",
        "限制参与政府采购",
        "实施中",
        "提高纳税信用评价频次",
        "已解除",
        "信用承诺",
        "信用修复",
        "异议处理",
        letter.verification_code,
    ]:
        assert expected in text, expected
    # The applicant may download it; another applicant may not even request one.
    assert api(users["applicant"]).get(f"/api/v1/letters/{letter.pk}.pdf").status_code == 200
    assert (
        api(users["applicant2"]).post(f"/api/v1/subjects/{subject.uscc}/credit-report", {}, format="json").status_code
        == 404
    )
    assert api(users["applicant2"]).get(f"/api/v1/letters/{letter.pk}.pdf").status_code == 404
    assert api(None).post(f"/api/v1/subjects/{subject.uscc}/credit-report", {}, format="json").status_code in (401, 403)
    verified = api(None).get(f"/api/v1/verify/{letter.verification_code}").json()
    assert (
        verified["summary"]["on_serious_list_label"] == "已列入" and verified["summary"]["published_record_count"] == 2
    )


def test_each_request_is_a_new_report_issued_by_the_requesters_department(api, users, subject, run_on_commit):
    first, _ = request_report(api, users["officer"], subject.uscc, run_on_commit)
    second, _ = request_report(api, users["officer"], subject.uscc, run_on_commit)
    assert first.pk != second.pk and CreditReportRequest.objects.count() == 2
    assert first.department.code == "YC-SCJG"
    assert api(users["officer"]).get(f"/api/v1/letters/{first.pk}.pdf").status_code == 200


def test_clean_subject(api, users, departments, run_on_commit):
    clean = make_subject("宜昌市守信商贸有限公司")
    letter, _ = request_report(api, users["clerk"], clean.uscc, run_on_commit)
    text = compact(pdf_text((Path(settings.PRIVATE_STORAGE_ROOT) / letter.file_path).read_bytes()))
    assert "该主体目前未被列入严重失信主体名单" in text and "公示中0条，共0条" in text
    assert text.count("无") >= 5  # records, sanctions, commitments, repairs, objections


def test_sections_say_none_when_their_apps_are_absent(subject, monkeypatch):
    absent = {"apps.commitments", "apps.repairs", "apps.objections"}
    real = django_apps.is_installed
    monkeypatch.setattr(django_apps, "is_installed", lambda name: False if name in absent else real(name))
    context = credit_report_context(subject=subject, report_no="XYBG-TEST")
    assert [(s["title"], s["rows"]) for s in context["sections"]] == [
        ("信用承诺", []),
        ("信用修复", []),
        ("异议处理", []),
    ]


def test_sections_read_their_apps_when_installed(subject):
    for section in sections():
        if django_apps.is_installed(section.app):
            assert section.rows(subject) == []  # the apps are there and know nothing about this subject yet
