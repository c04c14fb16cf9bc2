"""BROWSER TEST: an objection from filing to its reply letter, every step done by clicking.

The applicant objects to a published record; the record's department verifies it and proposes an outcome; a
second person reviews and approves; the outcome is carried out and the reply letter issued; the applicant downloads
it. Every page is checked as in tests/e2e/support.py; screenshots land in var/browser/objection/.
"""

import pytest
from django.core.management import call_command

from apps.objections.models import Objection
from tests.e2e.support import Walk, assert_clean, choose, finish_task, in_browser, open_task
from tests.e2e.test_walkthrough_repair import DECISION_NO, PDF, sanctioned_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def walk(w: Walk) -> str:
    with w.as_user("applicant1") as s:
        s.page.get_by_role("link", name="我的异议", exact=True).first.click()
        s.page.wait_for_load_state()
        s.step("my-objections")
        s.page.locator("tr", has_text=DECISION_NO).get_by_role("link", name="提出异议").click()
        s.page.wait_for_load_state()
        s.step("objection-form")
        s.page.get_by_label("异议理由").select_option(label="信息错误")
        s.page.get_by_label("异议陈述").fill("处罚决定书载明的罚款金额有误，应为五千元。")
        s.page.get_by_label("联系人").fill("张敏")
        s.page.get_by_label("联系电话").fill("13800000000")
        s.page.get_by_label("证明材料（PDF/JPEG/PNG，可多选）").set_input_files(
            files=[{"name": "缴款凭证.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        s.page.get_by_label("承诺书签署人").fill("张敏")
        s.page.get_by_label("本单位已阅读并签署上述异议申诉信用承诺书").check()
        s.step("objection-form-filled")
        s.submit("提交异议", name="objection-filed")
        heading = s.page.get_by_role("heading", level=1).inner_text()
        reference = heading.removeprefix("异议案件").strip()
        assert reference, heading

    with w.as_user("officer1") as s:
        open_task(s, reference, "核查异议", listing="/workflow/objection/queue/")
        choose(s.page, "办理方式", "提出核查结果")
        choose(s.page, "核查结果", "维持")
        s.page.get_by_label("理由").fill("经核对处罚决定书原件，罚款金额无误。")
        finish_task(s, "objection-verify")

    with w.as_user("reviewer1") as s:
        open_task(s, reference, "审核核查结果", listing="/workflow/objection/queue/")
        s.page.get_by_label("审核通过").check()
        s.page.get_by_label("审核意见").fill("同意维持。")
        finish_task(s, "objection-review")

    with w.as_user("applicant1") as s:
        s.goto("/portal/objections/")
        s.step("my-objections-closed")
        s.page.get_by_role("link", name=reference, exact=True).click()
        s.page.wait_for_load_state()
        s.step("objection-closed")
        with s.page.expect_download() as download:
            s.page.get_by_role("link", name="答复").first.click()
        letter = download.value
        assert letter.path().read_bytes().startswith(b"%PDF")
        letter.save_as(w.shots / f"{w.counter[0] + 1:02d}-applicant1-{letter.suggested_filename}")
    return reference


def test_an_objection_to_its_reply_letter(live_server):
    call_command("seed_demo", subjects=5)
    sanctioned_record()
    reference, walked = in_browser(live_server.url, "objection", walk)
    assert_clean(walked)
    objection = Objection.objects.get(reference=reference)
    assert objection.status == Objection.Status.CLOSED, objection.status
