"""The public register of credit commitments (信用承诺公示): anyone reads it; it names organisations and their
commitments, never the signing person, and leaves out appeal commitments and individual businesses."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from apps.commitments.models import MATTERS_BY_TYPE, CommitmentType
from apps.commitments.services import commitment_check_fulfilment, commitment_sign, text_version_in_force
from apps.subjects.models import Subject
from tests.subjects.factories import a_subject

SHANGHAI = ZoneInfo("Asia/Shanghai")
API = "/api/v1/commitments/register"


def sign(subject, type, day, user):
    return commitment_sign(
        subject=subject,
        text_version=text_version_in_force(type=type, on=day),
        signer_name="张敏",
        signed_at=datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI),
        acting_user=user,
        matter_type=MATTERS_BY_TYPE[type][0],
        matter_reference=f"SX-{day:%Y%m%d}",
    )


@pytest.fixture
def signed(users):
    firm = a_subject(name="宜昌守信示范有限公司")
    shop = a_subject(name="张敏五金店", type=Subject.Type.INDIVIDUAL_BUSINESS)
    made = {
        "approval": sign(firm, CommitmentType.APPROVAL_SUBSTITUTE, date(2026, 3, 2), users["officer"]),
        "industry": sign(firm, CommitmentType.INDUSTRY_SELF_DISCIPLINE, date(2026, 4, 8), users["officer"]),
        "appeal": sign(firm, CommitmentType.OBJECTION_APPEAL, date(2026, 5, 6), users["officer"]),
        "shop": sign(shop, CommitmentType.VOLUNTARY_PUBLIC, date(2026, 5, 7), users["officer"]),
    }
    commitment_check_fulfilment(
        commitment=made["approval"], fulfilled=False, finding="未按承诺补交材料", acting_user=users["officer"]
    )
    return made


def test_anyone_reads_the_register_without_the_signer_or_private_kinds(api, signed):
    response = api(None).get(API)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [row["id"] for row in body["results"]] == [signed["industry"].pk, signed["approval"].pk]
    approval = body["results"][1]
    assert approval["subject_name"] == "宜昌守信示范有限公司" and approval["type_display"] == "审批替代型"
    assert approval["fulfilment_display"] == "违反承诺" and approval["signed_on"] == "2026-03-02"
    text = json.dumps(body, ensure_ascii=False)
    assert "张敏" not in text and "未按承诺补交材料" not in text
    only = api(None).get(API, {"type": "industry_self_discipline"}).json()
    assert [row["id"] for row in only["results"]] == [signed["industry"].pk]
    assert api(None).get(API, {"type": "objection_appeal"}).status_code == 400
    by_code = api(None).get(API, {"q": signed["approval"].subject.uscc}).json()
    assert by_code["count"] == 2


def test_the_register_page_is_public_and_in_chinese(signed):
    page = Client().get("/commitments/register/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("信用承诺公示", "宜昌守信示范有限公司", "行业自律型", "2026年3月2日", "违反承诺"):
        assert text in html, text
    assert "张敏" not in html and "2026-03-02" not in html and 'approval_substitute"' not in html.split("<table")[1]
