"""BROWSER TEST: a credit repair from filing to the decision letter, every step done by clicking.

The applicant files a repair online; the officer takes intake and asks for 补正 (one-time notice); the applicant
answers; the officer accepts, verifies and proposes; the reviewer approves; the officer stops publication and
sharing; each sanctioning department confirms its lift; the applicant downloads the decision letter.
Every page is checked for English workbench words, ISO timestamps and requests outside the server (tests/e2e/support.py);
screenshots of each step land in var/browser/repair/.
"""

from datetime import date

import pytest
from django.core.management import call_command

from apps.accounts.models import Department, User
from apps.repairs.models import RepairCase
from apps.subjects.models import RecordKind, Severity
from apps.subjects.services import record_create, subject_create, subject_representative_add
from apps.subjects.uscc import make_uscc
from tests.e2e.support import Session, Walk, assert_clean, choose, finish_task, in_browser, open_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DECISION_NO = "宜市监罚〔2026〕E2E01号"
SUBJECT = "宜昌浏览器测试商贸有限公司"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def sanctioned_record() -> None:
    """applicant1's enterprise with a penalty of market regulation; market regulation and tax restrict it."""
    market, tax = Department.objects.get(code="YC-SCJG"), Department.objects.get(code="YC-SW")
    subject = subject_create(uscc=make_uscc("9", "1", "420502", "E2E00001"), name=SUBJECT)
    subject_representative_add(subject=subject, user=User.objects.get(username="applicant1"))
    record_create(
        subject=subject,
        kind=RecordKind.ADMINISTRATIVE_PENALTY,
        severity=Severity.GENERAL,
        department=market,
        decision_no=DECISION_NO,
        decision_date=date(2026, 3, 2),
        penalty_types=["罚款"],
        facts="未按规定公示年度报告",
        legal_basis="《中华人民共和国行政处罚法》",
        sanctions=[(market, "限制参加政府采购"), (tax, "从严审核行政许可")],
    )


def file_repair(s: Session) -> str:
    s.goto("/portal/repairs/new/")
    s.step("repair-form")
    return fill_repair_form(s)


def fill_repair_form(s: Session) -> str:
    """Fill the repair form (the applicant's and the clerk's are one) for DECISION_NO and submit it."""
    page = s.page
    page.get_by_label(DECISION_NO, exact=False).check()
    page.get_by_label("提前停止公示").check()
    page.get_by_label("整改情况说明").fill("罚款已于2026年3月缴清，年度报告已补报公示。")
    page.get_by_label("联系人").fill("张敏")
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("履行义务、整改完成的证明").set_input_files(
        files=[{"name": "缴款凭证.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("签署人", exact=True).fill("张敏")
    page.get_by_label("本单位已阅读并郑重作出上述承诺").check()
    s.step("repair-form-filled")
    s.submit("提交申请", name="repair-filed")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("信用修复案件"), heading
    return heading.removeprefix("信用修复案件").strip()


def walk(w: Walk) -> str:
    with w.as_user("applicant1") as s:
        reference = file_repair(s)

    with w.as_user("officer1") as s:
        open_task(s, reference, "受理审查", listing="/workflow/repair/queue/")
        choose(s.page, "受理审查结果", "一次性告知补正")
        s.page.get_by_label("需补正的全部事项").fill("请补充提交罚款缴纳凭证原件扫描件")
        finish_task(s, "intake-supplement")

    with w.as_user("applicant1") as s:
        s.goto("/")
        s.step("home-todo")
        s.page.get_by_role("link", name=reference).first.click()
        s.page.wait_for_load_state()
        s.step("case-awaiting-supplement")
        s.page.get_by_label("补正材料").set_input_files(
            files=[{"name": "缴款凭证原件.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        s.page.get_by_label("说明").fill("已补充缴款凭证原件扫描件。")
        s.submit("提交补正材料", name="supplement-answered")

    with w.as_user("officer1") as s:
        open_task(s, reference, "受理审查", listing="/workflow/repair/inbox/")
        choose(s.page, "受理审查结果", "受理")
        finish_task(s, "intake-accept")
        open_task(s, reference, "核查", listing="/workflow/repair/inbox/")
        s.page.get_by_label("已履行法定义务（罚款缴清、整改完成）").check()
        s.page.get_by_label("信用修复承诺书有效").check()
        s.page.get_by_label("核查意见").fill("罚款已缴清，年报已补报。")
        finish_task(s, "verify")
        open_task(s, reference, "拟办意见", listing="/workflow/repair/inbox/")
        choose(s.page, "拟办意见", "予以修复")
        s.page.get_by_label("理由").fill("符合提前停止公示条件。")
        finish_task(s, "propose")

    with w.as_user("reviewer1") as s:
        open_task(s, reference, "审核", listing="/workflow/repair/queue/")
        choose(s.page, "审核意见", "同意拟办意见")
        finish_task(s, "review")

    with w.as_user("officer1") as s:
        for step in ("停止公示", "停止共享"):
            open_task(s, reference, step, listing="/workflow/repair/queue/")
            s.page.get_by_label("确认已完成").check()
            finish_task(s, step)
        confirm_lift(s, reference)

    with w.as_user("officer2") as s:
        confirm_lift(s, reference)

    with w.as_user("applicant1") as s:
        s.goto("/portal/repairs/")
        s.step("my-repairs")
        s.page.get_by_role("link", name=reference).click()
        s.page.wait_for_load_state()
        s.step("case-repaired")
        with s.page.expect_download() as download:
            s.page.get_by_role("link", name="信用修复决定书").click()
        letter = download.value
        body = letter.path().read_bytes()
        assert body.startswith(b"%PDF"), body[:20]
        letter.save_as(w.shots / f"{w.counter[0] + 1:02d}-applicant1-{letter.suggested_filename}")
    return reference


def confirm_lift(s: Session, reference: str) -> None:
    s.goto("/")
    s.page.get_by_role("link", name="惩戒解除确认", exact=True).first.click()
    s.page.wait_for_url("**/portal/repairs/lifts/")
    s.step("lifts")
    row = s.page.locator("tr", has_text=reference).filter(has=s.page.get_by_role("button", name="确认已解除"))
    row.get_by_placeholder("说明（可选）").fill("已解除")
    s.submit_in(row, "确认已解除", name="lift-confirmed")


def test_a_repair_from_filing_to_the_decision_letter(live_server):
    call_command("seed_demo", subjects=5)
    sanctioned_record()
    reference, walked = in_browser(live_server.url, "repair", walk)
    assert_clean(walked)
    case = RepairCase.objects.get(reference=reference)
    assert case.status == RepairCase.Status.REPAIRED, case.status
    assert case.outcome == RepairCase.Outcome.APPROVE
    assert set(case.lifts.values_list("status", flat=True)) == {"confirmed"}


def walk_counter(w: Walk) -> str:
    with w.as_user("clerk1") as s:
        s.page.get_by_role("link", name="窗口受理", exact=True).first.click()
        s.page.wait_for_load_state()
        s.page.get_by_label("企业名称或统一社会信用代码").fill("浏览器测试")
        s.submit("查找", name="counter-search")
        s.page.locator("tr", has_text=SUBJECT).get_by_role("link", name="代办信用修复申请").click()
        s.page.wait_for_load_state()
        reference = fill_repair_form(s)
        with s.page.expect_download() as download:
            s.page.get_by_role("link", name="打印受理回执（PDF）").click()
        receipt = download.value
        assert receipt.path().read_bytes().startswith(b"%PDF")
        receipt.save_as(w.shots / f"{w.counter[0] + 1:02d}-clerk1-{receipt.suggested_filename}")
        code = receipt.suggested_filename.removesuffix(".pdf").rsplit("-", 1)[-1]
        s.goto(f"/verify/{code}")  # the receipt is verifiable: its code opens the verification page
        s.step("receipt-verified")
        assert "为本系统出具的真实文书" in s.page.inner_text("body"), f"the receipt's code {code} does not verify"
        s.goto("/")
        s.page.get_by_role("link", name="窗口受理记录", exact=True).first.click()
        s.page.wait_for_load_state()
        s.step("counter-filings")
        row = s.page.locator("tr", has_text=reference)
        assert row.count() == 1, f"{reference} is not in the clerk's list of counter filings"
        assert row.get_by_role("link", name="打印受理回执").count() == 1
    return reference


def test_the_clerk_files_at_the_counter_and_prints_the_receipt(live_server):
    call_command("seed_demo", subjects=5)
    sanctioned_record()
    reference, walked = in_browser(live_server.url, "counter", walk_counter)
    assert_clean(walked)
    case = RepairCase.objects.get(reference=reference)
    assert case.channel == "counter", case.channel
