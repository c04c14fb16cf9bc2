"""Real WeasyPrint output, read back with pypdf: every character of the source is in the PDF's text."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from apps.letters import documents, pdf
from apps.letters.models import Letter, LetterTemplate
from apps.letters.services import letter_create, letter_render, letters_render_many
from tests.letters.support import compact, missing_characters, pdf_text

CATALOGUE = json.loads((Path(settings.BASE_DIR) / "fixtures" / "letters.json").read_text(encoding="utf-8"))


def stored(letter: Letter) -> bytes:
    return (Path(settings.PRIVATE_STORAGE_ROOT) / letter.file_path).read_bytes()


@pytest.mark.django_db
def test_catalogue_is_seeded_with_every_template():
    codes = set(LetterTemplate.objects.filter(is_active=True).values_list("code", flat=True))
    assert codes == {row["code"] for row in CATALOGUE}
    for template in LetterTemplate.objects.all():
        assert (Path(settings.BASE_DIR) / "templates" / template.body_path).is_file()


@pytest.mark.django_db
@pytest.mark.parametrize("row", CATALOGUE, ids=[row["code"] for row in CATALOGUE])
def test_every_template_renders_its_sample_with_all_characters_extractable(row, departments):
    letter = letter_create(
        template_code=row["code"],
        owner=("tests.sample", 1),
        recipient={"uscc": "91420500MA4F0R3X0N", "name": "宜昌市示例商贸有限公司"},
        context=row["sample_context"],
        acting_user=None,
        department=departments["market"],
    )
    source = pdf.html_text(documents.letter_fragment(letter))
    letter = letter_render(letter=letter)
    assert letter.status == Letter.Status.RENDERED, letter.error
    data = stored(letter)
    assert data.startswith(b"%PDF-") and letter.size == len(data) and letter.page_count >= 1
    text = pdf_text(data)
    assert missing_characters(source, text) == ""
    assert letter.verification_code in text
    assert documents.verify_url(letter.verification_code) in compact(text)


@pytest.mark.django_db
def test_repair_notice_paragraphs_read_back_in_order(departments):
    row = next(r for r in CATALOGUE if r["code"] == "repair_notice")
    letter = letter_create(
        template_code="repair_notice",
        owner=("tests.sample", 2),
        recipient=None,
        context=row["sample_context"],
        acting_user=None,
        department=departments["market"],
    )
    letter = letter_render(letter=letter)
    text = compact(pdf_text(stored(letter)))
    for expected in [
        "信用修复告知书",
        "宜昌市示例商贸有限公司（统一社会信用代码：91420500MA4F0R3X0N）：",
        "宜市监处罚〔2026〕12号",
        "你单位最早可于2026年8月10日起提出信用修复申请",
        "最长公示至2027年5月10日",
        "www.creditchina.gov.cn",
        "宜昌市市场监督管理局政务服务窗口",
    ]:
        assert expected in text
    assert letter.page_count == 1


@pytest.mark.django_db
def test_many_letters_in_one_pass_give_one_pdf_each(departments):
    base = next(r for r in CATALOGUE if r["code"] == "repair_notice")["sample_context"]
    letters = [
        letter_create(
            template_code="repair_notice",
            owner=("tests.sample", 100 + i),
            recipient=None,
            context={**base, "subject_name": f"宜昌第{i}号商贸有限公司", "decision_no": f"宜市监处罚〔2026〕{i}号"},
            acting_user=None,
            department=departments["market"],
        )
        for i in range(5)
    ]
    assert letters_render_many(letters=[Letter.objects.get(pk=x.pk) for x in letters]) == (5, 0)
    for i, letter in enumerate(letters):
        letter.refresh_from_db()
        text = compact(pdf_text(stored(letter)))
        assert letter.page_count == 1
        assert f"宜昌第{i}号商贸有限公司" in text and letter.verification_code in text
        others = [x for x in letters if x.pk != letter.pk]
        assert not any(other.verification_code in text for other in others)
    assert len({x.verification_code for x in letters}) == 5
    # Already rendered letters are skipped, not rewritten.
    assert letters_render_many(letters=[Letter.objects.get(pk=x.pk) for x in letters]) == (0, 0)


@pytest.mark.django_db
def test_template_stored_as_text_renders_too(departments):
    LetterTemplate.objects.create(
        code="repair_notice",
        version=2,
        title="信用修复告知书",
        effective_from="2027-01-01",
        body_text='{% extends "letters/_letter.html" %}{% block body %}<p>第二版：{{ subject_name }}</p>{% endblock %}',
    )
    from datetime import date

    old = letter_create(
        template_code="repair_notice",
        owner=("tests.sample", 3),
        recipient=None,
        context={"subject_name": "甲公司"},
        acting_user=None,
        on=date(2026, 12, 31),
    )
    new = letter_create(
        template_code="repair_notice",
        owner=("tests.sample", 4),
        recipient=None,
        context={"subject_name": "乙公司"},
        acting_user=None,
        on=date(2027, 1, 1),
    )
    assert (old.template_version, new.template_version) == (1, 2)
    new = letter_render(letter=new)
    assert "第二版：乙公司" in compact(pdf_text(stored(new)))


def test_verification_codes_are_unambiguous():
    codes = {documents.new_verification_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 10 and not set(c) & set("ILOU") for c in codes)
    assert documents.normalise_code(" ab-cd o1il ") == "ABCD0111"


@pytest.mark.django_db
def test_multi_page_report_has_the_verification_code_on_every_page(departments):
    import io

    import pypdf

    sample = next(r for r in CATALOGUE if r["code"] == "credit_report")["sample_context"]
    records = [{**sample["records"][0], "decision_no": f"宜市监处罚〔2026〕{n}号"} for n in range(60)]
    letter = letter_create(
        template_code="credit_report",
        owner=("tests.sample", 5),
        recipient=None,
        context={**sample, "records": records},
        acting_user=None,
        department=departments["credit"],
    )
    letter = letter_render(letter=letter)
    reader = pypdf.PdfReader(io.BytesIO(stored(letter)))
    assert len(reader.pages) >= 2 and letter.page_count == len(reader.pages)
    for page in reader.pages:
        text = compact(page.extract_text())
        assert (
            f"文书验证码：{letter.verification_code}" in text and documents.verify_url(letter.verification_code) in text
        )
