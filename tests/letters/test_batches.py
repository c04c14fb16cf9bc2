"""One job per batch, progress as numbers and as a page, and a killed job resumes without duplicates."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from apps.letters import services
from apps.letters.models import Letter, LetterBatch
from apps.letters.services import letter_batch_create, letter_batch_run, letter_batch_start, letter_create

CONTEXT = {
    "subject_name": "甲公司",
    "subject_uscc": "91350100M000100Y43",
    "decision_no": "宜市监处罚〔2026〕1号",
    "decision_date": "2026-05-10",
    "decision_kind_label": "行政处罚决定",
    "severity_label": "一般",
    "published": True,
    "repair_earliest": "2026-08-10",
    "publish_until": "2027-05-10",
    "materials": ["信用修复申请书"],
}


def make_batch(user, department, n: int) -> LetterBatch:
    batch = letter_batch_create(kind="repair_notice", acting_user=user, department=department)
    for i in range(n):
        letter_create(
            template_code="repair_notice",
            owner=("tests.batch", i + 1),
            recipient=None,
            acting_user=user,
            context={**CONTEXT, "subject_name": f"宜昌第{i + 1}号公司"},
            department=department,
            batch=batch,
        )
    return batch


def files() -> list[Path]:
    return sorted((Path(settings.PRIVATE_STORAGE_ROOT) / "letters").rglob("*.pdf"))


@pytest.mark.django_db
def test_batch_job_renders_every_letter_and_reports_progress(
    api, users, departments, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = make_batch(users["officer"], departments["market"], 7)
        letter_batch_start(batch=batch, acting_user=users["officer"])
    batch.refresh_from_db()
    assert (batch.total, batch.done, batch.failed, batch.status) == (7, 7, 0, LetterBatch.Status.DONE)
    assert batch.started_at and batch.finished_at
    body = api(users["officer"]).get(f"/api/v1/letters/batches/{batch.pk}").json()
    assert (body["total"], body["done"], body["failed"], body["remaining"], body["percent"], body["status"]) == (
        7,
        7,
        0,
        0,
        100,
        "done",
    )
    assert set(body) == {
        "id", "kind", "description", "status", "status_label", "total", "done", "failed", "remaining", "percent",
        "created_at", "started_at", "finished_at",
    }  # fmt: skip
    page = api(users["officer"]).get(f"/api/v1/letters/batches/{batch.pk}", HTTP_ACCEPT="text/html")
    html = page.content.decode()
    assert page.status_code == 200 and "<progress" in html and 'value="7"' in html and "http-equiv" not in html
    assert api(users["officer_tax"]).get(f"/api/v1/letters/batches/{batch.pk}").status_code == 404
    assert api(users["applicant"]).get(f"/api/v1/letters/batches/{batch.pk}").status_code == 404
    assert len(files()) == 7


@pytest.mark.django_db
def test_running_batch_page_refreshes_itself(api, users, departments):
    batch = make_batch(users["officer"], departments["market"], 2)
    letter_batch_start(batch=batch)  # on_commit never runs here: the job has not started
    page = api(users["officer"]).get(f"/api/v1/letters/batches/{batch.pk}?format=html").content.decode()
    assert 'http-equiv="refresh"' in page and 'max="2"' in page


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even except clauses for Exception."""


@pytest.mark.django_db
def test_killed_batch_resumes_without_duplicates(users, departments, monkeypatch):
    batch = make_batch(users["officer"], departments["market"], 7)
    letter_batch_start(batch=batch)
    real = services.letters_render_many
    chunks = []

    def dies_on_second_chunk(*, letters):
        chunks.append([x.pk for x in letters])
        if len(chunks) == 2:
            raise Killed
        return real(letters=letters)

    monkeypatch.setattr(services, "letters_render_many", dies_on_second_chunk)
    with pytest.raises(Killed):
        letter_batch_run(batch=batch, chunk_size=3)
    first = {x.pk: x.rendered_at for x in Letter.objects.filter(batch=batch, status=Letter.Status.RENDERED)}
    assert len(first) == 3 and len(files()) == 3
    batch.refresh_from_db()
    assert (batch.done, batch.status) == (3, LetterBatch.Status.RUNNING)

    monkeypatch.setattr(services, "letters_render_many", real)
    letter_batch_run(batch=batch, chunk_size=3)
    batch.refresh_from_db()
    assert (batch.total, batch.done, batch.failed, batch.status) == (7, 7, 0, LetterBatch.Status.DONE)
    assert Letter.objects.filter(batch=batch).count() == 7 and len(files()) == 7
    for pk, rendered_at in first.items():  # the letters done before the kill were skipped, not redone
        assert Letter.objects.get(pk=pk).rendered_at == rendered_at
    # Creating the same letters again returns the existing rows; the database refuses a second row outright.
    again = letter_create(
        template_code="repair_notice", owner=("tests.batch", 1), recipient=None, context=CONTEXT, acting_user=None
    )
    assert again.batch_id == batch.pk and Letter.objects.count() == 7
    existing = Letter.objects.get(owner_type="tests.batch", owner_id=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.create(
            template=existing.template,
            code=existing.code,
            template_version=1,
            title="x",
            owner_type="tests.batch",
            owner_id=1,
            verification_code="0000000000",
        )
    # Running a finished batch again does nothing.
    assert letter_batch_run(batch=batch).done == 7 and len(files()) == 7


@pytest.mark.django_db
def test_two_workers_share_a_batch(users, departments):
    batch = make_batch(users["officer"], departments["market"], 6)
    letter_batch_start(batch=batch)
    letter_batch_run(batch=batch, shard=0, shards=2, chunk_size=2)
    batch.refresh_from_db()
    assert batch.done == 3 and batch.status == LetterBatch.Status.RUNNING
    letter_batch_run(batch=batch, shard=1, shards=2, chunk_size=2)
    batch.refresh_from_db()
    assert (batch.done, batch.status) == (6, LetterBatch.Status.DONE)


@pytest.mark.django_db
def test_a_letter_that_cannot_be_drawn_fails_alone(users, departments, settings):
    settings.LETTERS_FALLBACK_FONTS = []
    batch = make_batch(users["officer"], departments["market"], 3)
    bad = letter_create(
        template_code="repair_notice",
        owner=("tests.batch", 99),
        recipient=None,
        acting_user=None,
        context={**CONTEXT, "subject_name": "宜昌龘公司"},
        department=departments["market"],
        batch=batch,
    )
    letter_batch_start(batch=batch)
    batch = letter_batch_run(batch=batch)
    assert (batch.total, batch.done, batch.failed, batch.status) == (4, 3, 1, LetterBatch.Status.DONE_WITH_ERRORS)
    bad.refresh_from_db()
    assert bad.status == Letter.Status.FAILED and "龘" in bad.error
    # After installing a font (here: allowing the fallback again) the failed letters are retried.
    settings.LETTERS_FALLBACK_FONTS = [("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC")]
    from apps.letters import fonts

    if fonts.available_fallbacks():
        batch = letter_batch_run(batch=batch, retry_failed=True)
        assert (batch.done, batch.failed, batch.status) == (4, 0, LetterBatch.Status.DONE)


@pytest.mark.django_db
def test_batch_endpoint_answers_other_methods_with_json_errors_even_when_html_is_asked(api, users, departments):
    batch = make_batch(users["officer"], departments["market"], 1)
    client = api(users["officer"])
    for method in ("patch", "delete"):
        response = getattr(client, method)(f"/api/v1/letters/batches/{batch.pk}?format=html")
        assert response.status_code == 405 and response.json()["error"] == "method_not_allowed", method
    for asked in ({"path": f"/api/v1/letters/batches/{batch.pk}?format=html"}, {"HTTP_ACCEPT": "text/html"}):
        response = client.options(asked.pop("path", f"/api/v1/letters/batches/{batch.pk}"), **asked)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    response = client.get("/api/v1/letters/batches/999999?format=html")
    assert response.status_code == 404
