"""The portal people understand: one menu by role, the to-do banner, a repair form that lists each record on its
own line with its earliest date, blocks what cannot be filed (saying why) and keeps every entry after an error."""

import re
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.repairs.models import RepairCase
from apps.subjects.models import NegativeRecord
from tests.repairs.conftest import PDF, at
from tests.repairs.helpers import complete
from tests.repairs.test_portal import _form
from tests.subjects.factories import a_record


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _menu(html: str) -> list[str]:
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<]+)</a>", nav)


def test_every_role_gets_its_own_menu_and_only_the_links_it_may_use(users, world):
    applicant = _menu(_client(users["applicant"]).get("/portal/repairs/").content.decode())
    assert {"我的修复申请", "我的异议", "提交修复申请"} <= set(applicant)
    assert "工作台" not in applicant and "月度统计" not in applicant
    officer = _menu(_client(users["officer"]).get("/workbench/notices/").content.decode())
    assert {"工作台", "期限提醒", "惩戒解除确认"} <= set(officer) and "提交修复申请" not in officer
    monitor = _menu(_client(users["monitor"]).get("/").content.decode())
    assert {"工作台", "期限提醒", "月度统计"} <= set(monitor)
    trainer_client = _client(users["trainer"])
    trainer_home = trainer_client.get("/").content.decode()
    assert "月度统计" in _menu(trainer_home) and "工作台" not in _menu(trainer_home)
    listing = trainer_client.get("/portal/repairs/").content.decode()
    assert "提交新的信用修复申请" not in listing and "提交修复申请" not in listing
    assert trainer_client.get("/portal/repairs/new/").status_code == 403
    clerk = _menu(_client(users["clerk"]).get("/").content.decode())
    assert {"窗口受理", "窗口受理记录"} <= set(clerk)
    # the same stylesheet, header and menu on the monthly figures page as on the portal
    stats = _client(users["monitor"]).get("/workbench/stats/monthly/").content.decode()
    assert "css/site.css" in stats and 'class="site-nav"' in stats and "//cdn" not in stats


def test_the_form_lists_records_one_per_line_and_blocks_the_ones_that_cannot_be_filed(clock, users, world, departments):
    clock.set(at(2026, 5, 11, 10))
    early = a_record(world["subject"], departments["market"], decided=date(2026, 3, 1))
    disputed = a_record(world["subject"], departments["market"], decided=date(2025, 1, 1))
    NegativeRecord.objects.filter(pk=disputed.pk).update(objection_status="under_objection")
    html = _client(users["applicant"]).get("/portal/repairs/new/").content.decode()
    rows = html.split('<ul class="records">', 1)[1].split("</ul>", 1)[0].split("<li")[1:]
    by_no = {
        next(no for no in (r.decision_no for r in (world["record"], early, disputed)) if no in row): row for row in rows
    }
    assert len(by_no) == 3  # each record on its own line
    assert "disabled" not in by_no[world["record"].decision_no]
    assert "最早可申请修复日" in by_no[world["record"].decision_no]
    assert "disabled" in by_no[early.decision_no] and "最短公示期尚未届满" in by_no[early.decision_no]
    assert "2026年6月1日" in by_no[early.decision_no]
    assert "disabled" in by_no[disputed.decision_no] and "异议处理中" in by_no[disputed.decision_no]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", html)  # no ISO date anywhere


def test_after_an_error_every_entry_is_kept_and_the_error_sits_next_to_its_field(clock, users, world):
    clock.set(at(2026, 5, 11, 10))
    upload = SimpleUploadedFile("凭证.pdf", PDF, content_type="application/pdf")
    response = _client(users["applicant"]).post(
        "/portal/repairs/new/",
        {**_form(world["record"]), "contact_phone": "x" * 40, "statement": "缴清罚款", "evidence": upload},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert RepairCase.objects.count() == 0
    assert f'value="{world["record"].pk}" checked' in html  # the tick
    assert 'name="commitment_accepted" value="true" required checked' in html
    assert 'value="王伟"' in html and "缴清罚款" in html and 'value="张敏"' in html
    assert "不能保留已选择的文件" in html  # what a browser cannot keep is said
    phone = html.split('name="contact_phone"', 1)[1].split("</fieldset>", 1)[0]
    assert 'class="field-error"' in phone


def test_the_home_and_portal_pages_say_when_a_supplement_waits(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))
    portal = _client(users["applicant"])
    assert 'class="todo"' not in portal.get("/").content.decode()
    response = portal.post("/portal/repairs/new/", _form(world["record"]))
    assert response.status_code == 302
    case = RepairCase.objects.get()
    complete(api(users["officer"]), case.pk, "intake", {"decision": "supplement", "missing_items": ["营业执照复印件"]})
    case.refresh_from_db()
    for page in ("/", "/portal/repairs/", "/portal/objections/"):
        html = portal.get(page).content.decode()
        banner = html.split('class="todo"', 1)[1].split("</section>", 1)[0]
        assert case.reference in banner and f"/portal/repairs/{case.pk}/" in banner
        day = case.supplement_answer_by
        assert f"{day.year}年{day.month}月{day.day}日" in banner
    assert 'class="todo"' not in _client(users["applicant2"]).get("/").content.decode()
    assert 'class="todo"' not in _client(users["officer"]).get("/").content.decode()


def test_the_history_reads_in_plain_words_in_order_without_names_or_empty_pauses(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))
    portal = _client(users["applicant"])
    assert portal.post("/portal/repairs/new/", _form(world["record"])).status_code == 302
    case = RepairCase.objects.get()
    complete(api(users["officer"]), case.pk, "intake", {"decision": "supplement", "missing_items": ["营业执照复印件"]})
    clock.set(at(2026, 5, 11, 15))  # answered the same day: the clock lost no working day
    upload = SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf")
    assert portal.post(f"/portal/repairs/{case.pk}/supplement/", {"files": upload}).status_code == 302
    for reader in ("applicant", "officer"):
        html = _client(users[reader]).get(f"/portal/repairs/{case.pk}/").content.decode()
        assert "不计入 0 个工作日" not in html
        shown = re.sub(r'datetime="[^"]*"', "", html.split("<main>", 1)[1].split("<footer", 1)[0])
        assert not re.search(r"\d{4}-\d{2}-\d{2}", shown), reader  # dates in Chinese form only
        history = html.split('<ol class="history">', 1)[1].split("</ol>", 1)[0]
        lines = re.findall(r"<li>(.*?)</li>", history, re.S)
        assert len(lines) == len(set(lines)), lines  # no line told twice
        assert "2026年5月11日 10:00" in lines[0]
    applicant_history = (
        portal.get(f"/portal/repairs/{case.pk}/").content.decode().split('<ol class="history">', 1)[1].split("</ol>")[0]
    )
    filed = applicant_history.index("提交信用修复申请")
    asked = applicant_history.index("一次性告知补正")
    answered = applicant_history.index("提交补正材料")
    assert filed < asked < answered  # in order
    assert "officer1" not in applicant_history and "宜昌市市场监督管理局" in applicant_history


def test_the_clerk_finds_by_name_files_lists_and_prints_a_verifiable_receipt(
    clock, users, world, api, django_capture_on_commit_callbacks
):
    clock.set(at(2026, 5, 11, 10))
    clerk = _client(users["clerk"])
    subject = world["subject"]
    found = clerk.get("/portal/repairs/counter/", {"q": subject.name[2:6]}).content.decode()
    assert subject.uscc in found and f"?uscc={subject.uscc}" in found
    assert subject.name in clerk.get("/portal/repairs/counter/", {"q": subject.uscc}).content.decode()
    upload = SimpleUploadedFile("完税证明.pdf", PDF, content_type="application/pdf")
    response = clerk.post("/portal/repairs/new/", {**_form(world["record"], uscc=subject.uscc), "evidence": upload})
    assert response.status_code == 302
    case = RepairCase.objects.get()
    filings = clerk.get("/portal/repairs/counter/filings/").content.decode()
    assert case.reference in filings and f"/portal/repairs/{case.pk}/receipt/" in filings
    assert f"/portal/repairs/{case.pk}/receipt/" in clerk.get(f"/portal/repairs/{case.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        first = clerk.get(f"/portal/repairs/{case.pk}/receipt/")  # issued; rendered after the commit
    assert first.status_code == 302  # back to the case: the receipt is being rendered
    pdf = clerk.get(f"/portal/repairs/{case.pk}/receipt/")
    assert pdf.status_code == 200 and b"".join(pdf).startswith(b"%PDF")
    clerk.get(f"/portal/repairs/{case.pk}/receipt/")
    from apps.letters.models import Letter

    letter = Letter.objects.get(code="counter_receipt")  # one receipt per filing, however often printed
    assert "完税证明.pdf" in str(letter.context["received_items"]) and letter.context["case_no"] == case.reference
    checked = api().get(f"/api/v1/verify/{letter.verification_code}")
    assert checked.status_code == 200, checked.content
    # not for anyone else: the applicant has no counter page, a trainer no receipt
    assert _client(users["applicant"]).get("/portal/repairs/counter/").status_code == 403
    assert _client(users["trainer"]).get(f"/portal/repairs/{case.pk}/receipt/").status_code == 403
