"""Writes of the letters app: creating letters, rendering them (one or a batch), recording delivery, verifying.

Other apps create letters with `letter_create` only; they never render or store files themselves.
"""

import hashlib
import logging
import os
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.core.i18n import in_office_language
from apps.core.models import normalise_data
from apps.core.outbox import outbox_enqueue
from apps.core.services import case_event_record
from apps.letters import documents, pdf
from apps.letters.models import (
    DocumentNumberCounter,
    Letter,
    LetterBatch,
    LetterBundle,
    LetterBundlePart,
    Letterhead,
    TemplateCode,
)
from apps.letters.selectors import (
    LETTER_NOT_RENDERED,
    bundle_public_summary,
    letter_bundle_containing,
    letter_public_summary,
    letter_template_in_force,
    owner_key,
    storage_root,
)

logger = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 10


def render_chunk_size() -> int:
    """Letters laid out per WeasyPrint call in a batch. Each split file embeds the font subset of its whole chunk:
    10 one-page notices make files of about 85 KB (25: about 98 KB) and beyond 10 the speed hardly changes."""
    return max(1, int(getattr(settings, "LETTERS_RENDER_CHUNK", DEFAULT_CHUNK_SIZE)))


def _recipient_key(recipient: Any) -> tuple[str, str]:
    """A Subject (anything with uscc and name), a dict with those keys, or None for letters to no subject."""
    if recipient is None:
        return "", ""
    if isinstance(recipient, dict):
        return recipient.get("uscc", "") or "", recipient.get("name", "") or ""
    return recipient.uscc, recipient.name


# Letters that are official documents of their department and carry its document number (发文字号). Reports and
# certificates have their own numbers (report_no, certificate_no); a penalty decision prints its decision number.
NUMBERED_TEMPLATES = frozenset(
    {
        TemplateCode.REPAIR_NOTICE,
        TemplateCode.SUPPLEMENT_NOTICE,
        TemplateCode.ACCEPTANCE_NOTICE,
        TemplateCode.REFUSAL_NOTICE,
        TemplateCode.REPAIR_DECISION,
        TemplateCode.OBJECTION_REPLY,
    }
)


def letterhead_set(*, department: Department, abbreviation: str, header: str = "") -> Letterhead:
    """Set the department's authority abbreviation (机关代字) and, optionally, its issuing-authority mark."""
    letterhead, _created = Letterhead.objects.update_or_create(
        department=department, defaults={"abbreviation": abbreviation.strip(), "header": header.strip()}
    )
    return letterhead


def format_doc_no(*, abbreviation: str, year: int, seq: int) -> str:
    """GB/T 9704-2012 7.2.4: 机关代字、年份、发文顺序号; the year in 六角括号〔〕, no leading zeros."""
    return f"{abbreviation}〔{year}〕{seq}号"


def document_number_take(*, department: Department, year: int) -> int:
    """The department's next number in `year`, taken under the lock of its counter row: the caller's transaction
    holds the lock until it commits, so two letters never get the same number, and a rolled-back letter gives
    its number back (no gaps). Must run inside a transaction."""
    counters = DocumentNumberCounter.objects.select_for_update(of=("self",))
    counter = counters.filter(department=department, year=year).first()
    if counter is None:
        # Two first letters of the year at once: ON CONFLICT DO NOTHING lets the second wait for the first.
        DocumentNumberCounter.objects.bulk_create(
            [DocumentNumberCounter(department=department, year=year)], ignore_conflicts=True
        )
        counter = counters.get(department=department, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _number(letter: Letter, department: Department, on: date) -> None:
    letterhead = Letterhead.objects.filter(department=department).first()
    letter.issuer_header = (letterhead.header if letterhead else "") or department.name
    if letter.code not in NUMBERED_TEMPLATES:
        return
    abbreviation = letterhead.abbreviation if letterhead else department.code
    letter.doc_year = on.year
    letter.doc_seq = document_number_take(department=department, year=on.year)
    letter.doc_no = format_doc_no(abbreviation=abbreviation, year=on.year, seq=letter.doc_seq)


@transaction.atomic
def letter_create(
    *,
    template_code: str,
    owner: models.Model | tuple[str, int],
    recipient: Any,
    context: dict[str, Any],
    acting_user: User | None,
    department: Department | None = None,
    batch: LetterBatch | None = None,
    issue_no: int = 1,
    on: date | None = None,
) -> Letter:
    """Create a letter from the template version in force `on` (default today) and queue its rendering.

    Idempotent: the same (owner, template_code, issue_no) gives back the existing letter. A letter in a batch is
    rendered by the batch's job (letter_batch_start); any other is rendered by its own task after commit.
    """
    owner_type, owner_id = owner_key(owner)
    existing = Letter.objects.filter(
        owner_type=owner_type, owner_id=owner_id, code=template_code, issue_no=issue_no
    ).first()
    if existing is not None:
        return existing
    template = letter_template_in_force(code=template_code, on=on or clock.today())
    uscc, name = _recipient_key(recipient)
    letter = Letter(
        template=template,
        code=template.code,
        template_version=template.version,
        title=template.title,
        owner_type=owner_type,
        owner_id=owner_id,
        issue_no=issue_no,
        recipient_uscc=uscc,
        recipient_name=name,
        department=department,
        context=normalise_data(context),
        batch=batch,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    letter.full_clean(exclude=["verification_code", "template", "batch", "department", "created_by"])
    for _attempt in range(8):
        letter.verification_code = documents.new_verification_code()
        try:
            with transaction.atomic():
                if department is not None:
                    _number(letter, department, clock.today())
                letter.save()
            break
        except IntegrityError:
            raced = Letter.objects.filter(
                owner_type=owner_type, owner_id=owner_id, code=template_code, issue_no=issue_no
            ).first()
            if raced is not None:
                return raced
            letter.pk = None  # a verification code collision (1 in 10^15): draw again
    else:
        raise RuntimeError("could not draw a unique verification code")
    case_event_record(
        case=letter,
        kind="letter_created",
        acting_user=acting_user,
        data={
            "code": letter.code,
            "version": letter.template_version,
            "owner": f"{owner_type}:{owner_id}",
            "recipient": uscc,
            "verification_code": letter.verification_code,
            "doc_no": letter.doc_no,
            "batch": batch.pk if batch else None,
        },
    )
    if batch is None:
        from apps.letters import tasks

        # owed in this transaction (the outbox): rendered once the commit is through, even if Redis is down now
        outbox_enqueue(
            task=tasks.letter_render.name, kwargs={"letter_id": letter.pk}, dedup_key=f"letters.render:{letter.pk}"
        )
    return letter


def _relative_path(letter: Letter) -> str:
    created = timezone.localtime(letter.created_at)
    return f"letters/{created:%Y}/{created:%m}/{letter.verification_code}.pdf"


def _store(pairs: Sequence[tuple[Letter, pdf.RenderResult]]) -> int:
    """Write the files, then mark the letters rendered, in one transaction for the whole chunk (one write lock per
    chunk, not per letter: parallel workers then rarely wait on each other). Only a queued or failed letter is
    ever (re)written, so a redelivered job or a second worker cannot replace an issued document. Returns how many
    this call stored."""
    staged = []
    try:
        for letter, result in pairs:
            relative = _relative_path(letter)
            target = storage_root() / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
            temporary.write_bytes(result.pdf)
            staged.append((letter, result, relative, target, temporary))
        now = timezone.now()
        stored = []
        with transaction.atomic():
            for letter, result, relative, target, temporary in staged:
                claimed = Letter.objects.filter(
                    pk=letter.pk, status__in=[Letter.Status.QUEUED, Letter.Status.FAILED]
                ).update(
                    status=Letter.Status.RENDERED,
                    file_path=relative,
                    sha256=result.sha256,
                    size=len(result.pdf),
                    page_count=result.page_count,
                    rendered_at=now,
                    error="",
                    updated_at=now,
                )
                if not claimed:
                    continue
                # Replaced inside the transaction: if the commit fails the letter stays queued and is rendered again.
                os.replace(temporary, target)
                case_event_record(
                    case_type="letters.letter",
                    case_id=letter.pk,
                    kind="letter_rendered",
                    data={
                        "sha256": result.sha256,
                        "size": len(result.pdf),
                        "pages": result.page_count,
                        "file": relative,
                    },
                    at=now,
                )
                stored.append((letter, result, relative))
    finally:
        for *_rest, temporary in staged:
            temporary.unlink(missing_ok=True)
    for letter, result, relative in stored:
        letter.status, letter.file_path, letter.sha256 = Letter.Status.RENDERED, relative, result.sha256
        letter.size, letter.page_count, letter.rendered_at, letter.error = len(result.pdf), result.page_count, now, ""
    return len(stored)


@transaction.atomic
def _fail(letter: Letter, error: Exception) -> None:
    message = getattr(error, "detail", None) or str(error)
    updated = Letter.objects.filter(pk=letter.pk, status__in=[Letter.Status.QUEUED, Letter.Status.FAILED]).update(
        status=Letter.Status.FAILED, error=message, updated_at=timezone.now()
    )
    if updated:
        case_event_record(
            case_type="letters.letter",
            case_id=letter.pk,
            kind="letter_render_failed",
            data={"error": message, "code": getattr(error, "code", type(error).__name__)},
        )
    letter.status, letter.error = Letter.Status.FAILED, message


@in_office_language  # letters are official documents: Chinese whatever language the requester uses
def letters_render_many(*, letters: Sequence[Letter]) -> tuple[int, int]:
    """Render queued (or previously failed) letters in one WeasyPrint pass and store one PDF each.

    Letters already rendered are skipped. A letter the fonts cannot draw fails alone, with the characters named.
    Returns (rendered, failed).
    """
    todo = [letter for letter in letters if letter.status != Letter.Status.RENDERED]
    if not todo:
        return 0, 0
    items, rendered, failed = [], 0, 0
    for letter in todo:
        try:
            items.append(documents.render_item(letter))
        except Exception as exc:  # a broken template or context fails its letter, not the whole chunk
            logger.exception("letter %s: template failed", letter.pk)
            _fail(letter, exc)
            failed += 1
    by_pk: dict[int | str, Letter] = {letter.pk: letter for letter in todo}
    done = []
    for result in pdf.render_items(items):
        if result.error is not None:
            _fail(by_pk[result.key], result.error)
            failed += 1
        else:
            done.append((by_pk[result.key], result))
    rendered += _store(done) if done else 0
    return rendered, failed


def letter_render(*, letter: Letter) -> Letter:
    """Render one letter now (the task calls this). Already rendered: nothing happens. Failure: status failed,
    the reason in `error` (e.g. the characters no font can draw)."""
    letter = Letter.objects.select_related("template", "department").get(pk=letter.pk)
    letters_render_many(letters=[letter])
    letter.refresh_from_db()
    return letter


@transaction.atomic
def letter_delivery_record(
    *, letter: Letter, method: str, delivered_on: date, receipt: str = "", acting_user: User | None
) -> Letter:
    """Record how and when the letter reached its recipient (service of documents: 送达)."""
    if delivered_on > clock.today():
        raise ApplicationError(
            "delivery_in_future", _("送达日期不能晚于今天。"), fields={"delivered_on": [_("送达日期不能晚于今天。")]}
        )
    letter.delivery_method, letter.delivered_on, letter.delivery_receipt = method, delivered_on, receipt
    letter.save(update_fields=["delivery_method", "delivered_on", "delivery_receipt", "updated_at"])
    case_event_record(
        case=letter,
        kind="letter_delivered",
        acting_user=acting_user,
        data={"method": method, "delivered_on": delivered_on, "receipt": receipt},
    )
    return letter


def letter_verify(*, code: str, pdf_bytes: bytes | None = None) -> dict[str, Any]:
    """What the public may know about an issued letter, and whether an uploaded file is exactly that letter or a
    registered bundle holding it (`matched`: "letter", "bundle" with the bundle's summary, or None).

    Raises Letter.DoesNotExist for an unknown code or a letter not yet issued. Shows no personal details.
    """
    letter = (
        Letter.objects.select_related("template", "department")
        .filter(verification_code=documents.normalise_code(code), status=Letter.Status.RENDERED)
        .first()
    )
    if letter is None:
        raise Letter.DoesNotExist
    result = letter_public_summary(letter=letter)
    if pdf_bytes is None:
        return result
    uploaded = hashlib.sha256(pdf_bytes).hexdigest()
    result["uploaded_sha256"] = uploaded
    if uploaded == letter.sha256:
        result.update({"match": True, "matched": "letter"})
        return result
    # The recipient of a 两书同达 bundle holds one file with several letters in it: it is genuine at the code of
    # each letter it contains, but only byte for byte as it was registered.
    bundle = letter_bundle_containing(letter=letter, sha256=uploaded)
    if bundle is None:
        result.update({"match": False, "matched": None})
    else:
        result.update({"match": True, "matched": "bundle", "bundle": bundle_public_summary(bundle=bundle)})
    return result


@transaction.atomic
def letter_bundle_register(
    *,
    parts: Sequence[Letter | str],
    data: bytes,
    title: str,
    acting_user: User | None,
    owner: models.Model | tuple[str, int] | None = None,
) -> LetterBundle:
    """Register a PDF joined from issued documents, so that the file as delivered verifies at the code printed on
    each letter inside it (letter_verify). Call it in the transaction that records the file as issued.

    `parts` lists the documents in file order: a rendered Letter, or the title of a document that is not a letter
    (an uploaded signed original). `title` and part titles are shown on the public verification page: no personal
    details. Idempotent: the same bytes give back the bundle already registered.
    """
    digest = hashlib.sha256(data).hexdigest()
    existing = LetterBundle.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    letters = [part for part in parts if isinstance(part, Letter)]
    if not letters:
        raise ValueError("a bundle without a letter cannot be verified: register only bundles that hold letters")
    for letter in letters:
        if letter.status != Letter.Status.RENDERED or not letter.sha256:
            raise ApplicationError(
                LETTER_NOT_RENDERED, _("文书尚未生成。"), extra={"letter": letter.pk}, status_code=409
            )
    pages = pdf.page_count(data)
    letter_pages = sum(letter.page_count or 0 for letter in letters)
    if letter_pages > pages or (len(letters) == len(parts) and letter_pages != pages):
        raise ValueError(f"the bundle has {pages} pages, its letters {letter_pages}: not the files of these letters")
    owner_type, owner_id = owner_key(owner) if owner is not None else ("", None)
    bundle = LetterBundle(
        sha256=digest,
        size=len(data),
        page_count=pages,
        title=title,
        owner_type=owner_type,
        owner_id=owner_id,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    bundle.full_clean(exclude=["created_by"])
    try:
        with transaction.atomic():
            bundle.save()
    except IntegrityError:  # the same file registered by a concurrent call
        return LetterBundle.objects.get(sha256=digest)
    rows = [
        LetterBundlePart(
            bundle=bundle,
            position=position,
            letter=part if isinstance(part, Letter) else None,
            title=part.title if isinstance(part, Letter) else part,
        )
        for position, part in enumerate(parts, start=1)
    ]
    for row in rows:
        row.full_clean(exclude=["bundle", "letter"])
    LetterBundlePart.objects.bulk_create(rows)
    case_event_record(
        case=bundle,
        kind="letter_bundle_registered",
        acting_user=acting_user,
        data={
            "sha256": digest,
            "size": len(data),
            "pages": pages,
            "title": title,
            "owner": f"{owner_type}:{owner_id}" if owner_type else "",
            "parts": [{"position": row.position, "letter": row.letter_id, "title": row.title} for row in rows],
        },
    )
    return bundle


# Batches ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def letter_batch_create(
    *, kind: str, acting_user: User | None, department: Department | None = None, description: str = ""
) -> LetterBatch:
    """An empty batch; pass it to letter_create(batch=...) for each letter, then call letter_batch_start."""
    batch = LetterBatch(
        kind=kind,
        department=department,
        description=description,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    batch.full_clean(exclude=["department", "created_by"])
    batch.save()
    case_event_record(case=batch, kind="letter_batch_created", acting_user=acting_user, data={"kind": kind})
    return batch


@transaction.atomic
def letter_batch_start(*, batch: LetterBatch, acting_user: User | None = None) -> LetterBatch:
    """Count the batch's letters and queue its job (one Celery task for the whole batch) after commit."""
    batch.total = batch.letters.count()
    batch.save(update_fields=["total", "updated_at"])
    case_event_record(case=batch, kind="letter_batch_started", acting_user=acting_user, data={"total": batch.total})
    from apps.letters import tasks

    outbox_enqueue(
        task=tasks.letter_batch_run.name, kwargs={"batch_id": batch.pk}, dedup_key=f"letters.batch_run:{batch.pk}"
    )
    return batch


@transaction.atomic
def letter_batch_refresh(*, batch: LetterBatch) -> LetterBatch:
    """Recount from the letters themselves: the numbers stay true across crashes and parallel workers.

    Conditional updates rather than save(): two workers of one batch may refresh at the same moment, and only
    one of them may record that the batch finished."""
    counts = dict(Letter.objects.filter(batch=batch).values_list("status").annotate(n=models.Count("id")).order_by())
    total, done, failed = (
        sum(counts.values()),
        counts.get(Letter.Status.RENDERED, 0),
        counts.get(Letter.Status.FAILED, 0),
    )
    now = timezone.now()
    LetterBatch.objects.filter(pk=batch.pk).update(total=total, done=done, failed=failed, updated_at=now)
    if not counts.get(Letter.Status.QUEUED, 0):
        finished = LetterBatch.objects.filter(
            pk=batch.pk, status__in=[LetterBatch.Status.PENDING, LetterBatch.Status.RUNNING]
        ).update(
            status=LetterBatch.Status.DONE_WITH_ERRORS if failed else LetterBatch.Status.DONE,
            finished_at=now,
            updated_at=now,
        )
        if finished:
            case_event_record(
                case=batch, kind="letter_batch_finished", data={"total": total, "done": done, "failed": failed}
            )
    batch.refresh_from_db()
    return batch


def letter_batch_run(
    *,
    batch: LetterBatch,
    shard: int = 0,
    shards: int = 1,
    first_pk: int | None = None,
    last_pk: int | None = None,
    chunk_size: int | None = None,
    retry_failed: bool = False,
) -> LetterBatch:
    """Render every queued letter of the batch, chunk by chunk, updating the progress after each chunk.

    Resumable: a job killed midway is simply run again; rendered letters are skipped and each letter has one row
    (the (owner, code, issue_no) constraint) and one file (named by its verification code). `first_pk`/`last_pk`
    limit it to one shard of the batch (letter_batch_dispatch); `shard`/`shards` split the letters between parallel
    processes by pk modulo shards (the benchmark's forked workers).
    """
    chunk_size = chunk_size or render_chunk_size()
    now = timezone.now()
    LetterBatch.objects.filter(pk=batch.pk, status=LetterBatch.Status.PENDING).update(
        status=LetterBatch.Status.RUNNING, started_at=now, updated_at=now
    )
    if retry_failed:
        LetterBatch.objects.filter(pk=batch.pk).update(status=LetterBatch.Status.RUNNING, finished_at=None)
        batch.letters.filter(status=Letter.Status.FAILED).update(status=Letter.Status.QUEUED, error="")
    pending = Letter.objects.select_related("template", "department").filter(batch=batch, status=Letter.Status.QUEUED)
    if shards > 1:
        pending = pending.annotate(shard=Mod("id", shards)).filter(shard=shard)
    if first_pk is not None:
        pending = pending.filter(pk__gte=first_pk)
    if last_pk is not None:
        pending = pending.filter(pk__lte=last_pk)
    last_done = 0
    while True:
        chunk = list(pending.filter(pk__gt=last_done).order_by("pk")[:chunk_size])
        if not chunk:
            break
        last_done = chunk[-1].pk
        letters_render_many(letters=chunk)
        letter_batch_refresh(batch=batch)
    return letter_batch_refresh(batch=batch)


def batch_shard_size() -> int:
    return max(1, int(getattr(settings, "LETTERS_BATCH_SHARD_SIZE", 50)))


def _queued_ranges(batch: LetterBatch) -> list[tuple[int, int]]:
    """The batch's queued letters as (first pk, last pk) ranges of at most LETTERS_BATCH_SHARD_SIZE letters."""
    size = batch_shard_size()
    pks = list(batch.letters.filter(status=Letter.Status.QUEUED).order_by("pk").values_list("pk", flat=True))
    return [(pks[i], pks[min(i + size, len(pks)) - 1]) for i in range(0, len(pks), size)]


@transaction.atomic
def letter_batch_dispatch(*, batch: LetterBatch) -> list[tuple[int, int]]:
    """The batch job with a broker: hand the queued letters to short shard tasks (after commit), each rendering at
    most LETTERS_BATCH_SHARD_SIZE letters, so that the pool's processes render the batch side by side and a shard
    lost with its worker is redelivered soon (its task is short, well inside the visibility timeout). The shards are
    outbox rows of this transaction (sent after commit, or by the relay once Redis is back). Returns the
    (first pk, last pk) of each shard sent. Running it twice sends shards twice, which costs a query each: a shard
    renders only letters still queued."""
    now = timezone.now()
    LetterBatch.objects.filter(pk=batch.pk, status=LetterBatch.Status.PENDING).update(
        status=LetterBatch.Status.RUNNING, started_at=now, updated_at=now
    )
    ranges = _queued_ranges(batch)
    if not ranges:
        letter_batch_refresh(batch=batch)
        return []
    from apps.letters import tasks

    for first, last in ranges:
        outbox_enqueue(
            task=tasks.letter_batch_shard.name,
            kwargs={"batch_id": batch.pk, "first_pk": first, "last_pk": last},
            dedup_key=f"letters.batch_shard:{batch.pk}:{first}-{last}",
        )
    return ranges


def letter_batches_requeue_stalled(*, now: datetime | None = None) -> list[int]:
    """The watchdog (beat task letters.requeue_stalled_batches, every minute). A started batch that is not finished
    and whose progress has not moved for settings.LETTERS_BATCH_STALL_SECONDS has lost its messages (a worker
    killed and its messages not redelivered, Redis restarted without persistence, the broker down when the batch was
    started): its queued letters are sent again as shards, and a batch with nothing left queued (its worker died
    between the last chunk and the count) is counted and finished. One `letter_batch_requeued` event per batch and
    requeue. Returns the ids of the batches it requeued or finished."""
    now = now or timezone.now()
    stall = timedelta(seconds=int(getattr(settings, "LETTERS_BATCH_STALL_SECONDS", 600)))
    stalled = LetterBatch.objects.filter(
        status__in=[LetterBatch.Status.PENDING, LetterBatch.Status.RUNNING],
        total__gt=0,  # started (letter_batch_start counts the letters); an unstarted batch is still being filled
        updated_at__lt=now - stall,
    ).values_list("pk", flat=True)
    handled = []
    for batch_id in list(stalled):
        with transaction.atomic():
            # claimed by moving its clock: a second watchdog run at the same moment finds it fresh and leaves it
            claimed = LetterBatch.objects.filter(
                pk=batch_id,
                status__in=[LetterBatch.Status.PENDING, LetterBatch.Status.RUNNING],
                updated_at__lt=now - stall,
            ).update(updated_at=timezone.now())
            if not claimed:
                continue
            batch = LetterBatch.objects.get(pk=batch_id)
            ranges = letter_batch_dispatch(batch=batch)
            batch.refresh_from_db()
            case_event_record(
                case=batch,
                kind="letter_batch_requeued",
                data={
                    "shards": [list(r) for r in ranges],
                    "queued": batch.letters.filter(status=Letter.Status.QUEUED).count(),
                    "stall_seconds": stall.total_seconds(),
                    "status": batch.status,
                },
            )
            logger.warning("letter batch %s stalled: %s shard(s) requeued", batch_id, len(ranges))
            handled.append(batch_id)
    return handled
