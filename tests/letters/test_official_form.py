"""Letters in official form (GB/T 9704-2012): the real WeasyPrint output, read back with pypdf, shows the red
issuing-authority header, the document number allocated per department and year, the title and, where the law
requires one, the remedy sentence (救济途径)."""

import io
import json
import threading
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.letters.models import DocumentNumberCounter, Letter
from apps.letters.services import letter_create, letter_render, letterhead_set
from tests.letters.support import compact, pdf_fonts, pdf_text
from tests.support.services import ensure_server

CATALOGUE = {
    row["code"]: row
    for row in json.loads((Path(settings.BASE_DIR) / "fixtures" / "letters.json").read_text(encoding="utf-8"))
}
RECIPIENT = {"uscc": "91420500MA4F0R3X0N", "name": "宜昌市示例商贸有限公司"}


def issue(code, department, owner_id, context=None):
    return letter_create(
        template_code=code,
        owner=("tests.official", owner_id),
        recipient=RECIPIENT,
        context=context or CATALOGUE[code]["sample_context"],
        acting_user=None,
        department=department,
    )


def rendered_pdf(letter: Letter) -> bytes:
    letter = letter_render(letter=letter)
    assert letter.status == Letter.Status.RENDERED, letter.error
    return (Path(settings.PRIVATE_STORAGE_ROOT) / letter.file_path).read_bytes()


@pytest.mark.django_db
def test_refusal_reads_back_header_number_title_and_remedy_in_order(departments):
    letterhead_set(department=departments["market"], abbreviation="宜市监信修")
    year = timezone.localdate().year
    letter = issue("refusal_notice", departments["market"], 1)
    assert letter.doc_no == f"宜市监信修〔{year}〕1号" and letter.issuer_header == "宜昌市市场监督管理局"

    data = rendered_pdf(letter)
    text = compact(pdf_text(data))
    header, number = text.find("宜昌市市场监督管理局"), text.find(f"宜市监信修〔{year}〕1号")
    title = text.find(compact(CATALOGUE["refusal_notice"]["sample_context"]["refusal_kind_label"]) + "决定书")
    recipient = text.find("宜昌市示例商贸有限公司（统一社会信用代码")
    remedy = text.find("依法申请行政复议")
    assert -1 < header < number < title < recipient < remedy, text
    assert "在六个月内依法向人民法院提起行政诉讼" in text
    assert letter.verification_code in text
    assert len(data) <= 100 * 1024
    # The Song-style face is embedded (subset), nothing else.
    assert {name.split("+", 1)[-1] for name in pdf_fonts(data)} == {"CreditSerif"}
    # The header is drawn in red (the content stream sets a red fill before the header's text).
    content = pypdf.PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()
    assert b"0.901961 0 0.070588 rg" in content


@pytest.mark.django_db
def test_objection_reply_carries_its_remedy_and_numbers_continue_without_gaps(departments):
    letterhead_set(department=departments["market"], abbreviation="宜市监信修", header="宜昌市市场监督管理局文件")
    year = timezone.localdate().year
    first = issue("acceptance_notice", departments["market"], 2)
    report = issue("credit_report", departments["market"], 3)
    reply = issue("objection_reply", departments["market"], 4)
    again = issue("objection_reply", departments["market"], 4)  # idempotent: the same letter, no new number
    other = issue("objection_reply", departments["tax"], 5)  # another department counts on its own

    assert (first.doc_seq, reply.doc_seq, again.pk) == (1, 2, reply.pk)
    assert report.doc_no == "" and report.doc_seq is None  # a report has its own number (报告编号)
    assert other.doc_no == f"YC-SW〔{year}〕1号"  # no letterhead set: the department code stands in
    assert DocumentNumberCounter.objects.get(department=departments["market"], year=year).last_number == 2

    text = compact(pdf_text(rendered_pdf(reply)))
    assert "宜昌市市场监督管理局文件" in text and f"宜市监信修〔{year}〕2号" in text
    assert "异议处理答复函" in text and "依法申请行政复议、提起行政诉讼" in text


def _race(code, department, owner_ids) -> list[int]:
    """Each thread issues one letter behind a barrier, on its own database connection."""
    barrier = threading.Barrier(len(owner_ids))
    numbers, errors = [], []

    def take(owner_id):
        try:
            barrier.wait(timeout=10)
            numbers.append(issue(code, department, owner_id).doc_seq)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(owner_id,)) for owner_id in owner_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return sorted(numbers)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_issuing_at_once_get_consecutive_numbers(transactional_db, departments):
    ensure_server("postgresql")
    letterhead_set(department=departments["market"], abbreviation="宜市监信修")
    issue("acceptance_notice", departments["market"], 10)  # the year's counter row exists: 1 is taken
    for round_no in range(3):
        owners = [100 + 2 * round_no, 101 + 2 * round_no]
        assert _race("acceptance_notice", departments["market"], owners) == [2 + 2 * round_no, 3 + 2 * round_no]
    seqs = sorted(Letter.objects.filter(department=departments["market"]).values_list("doc_seq", flat=True))
    assert seqs == list(range(1, 8))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_first_letters_of_a_year_at_once_share_one_counter(transactional_db, departments):
    ensure_server("postgresql")
    assert _race("supplement_notice", departments["tax"], [200, 201]) == [1, 2]
    assert DocumentNumberCounter.objects.filter(department=departments["tax"]).count() == 1
