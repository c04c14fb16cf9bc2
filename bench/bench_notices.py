"""Benchmark: render and store many one-page 信用修复告知书 (not a test).

    .venv/bin/python bench/bench_notices.py [--count 10000] [--workers 2] [--chunk 10]
                                            [--database-url postgres://postgres@127.0.0.1:5432/postgres]

It builds a throwaway database (SQLite in a temporary directory by default; with --database-url, a new PostgreSQL
database created next to the one named and dropped afterwards), creates `count` queued notices in one letter batch,
then measures:

- baseline: the naive way, one WeasyPrint call per notice, set in the full system Noto Serif CJK font
  (fonts-noto-cjk, /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc), on a small sample, measured two ways:
  in a warm Python process (the stylesheet parsed and the font loaded again for every notice), and as the
  `weasyprint` command run once per notice (a new process each time, as a shell loop over HTML files would do);
- the production path: apps.letters.services.letter_batch_run, the batch job's service, run by `workers` processes
  (shards of the batch, as the shard tasks do): many notices per WeasyPrint call with the bundled font subset, pages
  split with qpdf, SHA-256, files in private storage, one audit event per letter;
- or, with --celery, exactly as production runs it: a real Celery worker (`celery -A config worker -c workers`,
  prefork) on Redis, the batch started by letter_batch_start, its job handing the letters to shard tasks of
  LETTERS_BATCH_SHARD_SIZE letters that the `workers` pool processes take in turn;
  the clock runs from the start until the batch reports done.

It prints seconds per notice for both, notices per second, the speed-up, the largest file, and checks the text of a
sample of the stored PDFs.
"""

import argparse
import hashlib
import multiprocessing
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

BASE_DIR = Path(__file__).resolve().parent.parent
SYSTEM_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
GOAL_PER_SECOND = 10_000 / 300  # 10,000 notices in 5 minutes
MAX_FILE_BYTES = 100 * 1024

# Characters enterprise names are made of (all in GB 2312 level 1).
NAME_CHARS = "华信达通宏泰丰源盛昌隆鑫海天宇恒瑞祥和顺安康利民众兴发展创新科技商贸实业建设工程物流建材食品农业医药电子机械化工纺织服饰家居文化传媒教育咨询环保能源矿业水务餐饮酒店旅游汽车贸易"
DISTRICTS = ["西陵区", "伍家岗区", "点军区", "猇亭区", "夷陵区", "宜都市", "当阳市", "枝江市", "远安县", "兴山县"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=10, help="notices per WeasyPrint call")
    parser.add_argument("--baseline-sample", type=int, default=5)
    parser.add_argument("--cli-sample", type=int, default=3, help="notices for the one-process-per-notice baseline")
    parser.add_argument("--check-sample", type=int, default=50)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server to create the throwaway database on")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (PDFs, SQLite database)")
    parser.add_argument("--celery", action="store_true", help="render through a real Celery worker on Redis")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/14", help="the Redis for --celery")
    return parser.parse_args()


def configure(args: argparse.Namespace, workdir: Path) -> str:
    """Environment for Django before it is set up: a throwaway database and storage under `workdir`."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["VAR_DIR"] = str(workdir)
    os.environ["DJANGO_DEBUG"] = "0"
    if args.celery:
        os.environ["CELERY_BROKER_URL"] = args.broker
        os.environ["CELERY_RESULT_BACKEND"] = args.broker
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    dropped = ""
    if args.database_url:
        import psycopg

        parsed = urlparse(args.database_url)
        name = f"bench_notices_{os.getpid()}"
        admin = args.database_url
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{name}"))
        dropped = name
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    sys.path.insert(0, str(BASE_DIR))
    os.chdir(BASE_DIR)
    import django

    django.setup()
    return dropped


def drop_database(args: argparse.Namespace, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def company_name(rng: random.Random, n: int) -> str:
    core = "".join(rng.choice(NAME_CHARS) for _ in range(rng.randint(2, 4)))
    trade = rng.choice(["商贸", "建材", "食品", "科技", "物流", "实业", "餐饮", "建筑工程", "农业开发", "医药"])
    return f"宜昌市{rng.choice(DISTRICTS)}{core}{trade}有限公司"


def setup_letters(count: int):
    """One department, `count` subjects' notices queued in one batch (bulk: setup is not what is measured)."""
    from datetime import date, timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from apps.accounts.services import department_create
    from apps.letters import documents
    from apps.letters.models import Letter
    from apps.letters.selectors import letter_template_in_force
    from apps.letters.services import letter_batch_create
    from apps.subjects.services import add_months
    from apps.subjects.uscc import make_uscc

    call_command("migrate", verbosity=0)
    department = department_create(
        code="BENCH-SCJG", name="宜昌市市场监督管理局", region_code="420500", sector="market_regulation"
    )
    batch = letter_batch_create(kind="repair_notice", acting_user=None, department=department, description="bench")
    template = letter_template_in_force(code="repair_notice", on=timezone.localdate())
    rng = random.Random(20260510)
    codes: set[str] = set()
    letters = []
    for n in range(count):
        decided = date(2026, 1, 5) + timedelta(days=n % 300)
        uscc = make_uscc("9", "1", "420500", f"MB{n:06d}")
        name = company_name(rng, n)
        code = documents.new_verification_code()
        while code in codes:
            code = documents.new_verification_code()
        codes.add(code)
        context = {
            "subject_name": name,
            "subject_uscc": uscc,
            "decision_no": f"宜市监处罚〔2026〕{n + 1}号",
            "decision_date": decided.isoformat(),
            "decision_kind": "administrative_penalty",
            "decision_kind_label": "行政处罚决定",
            "record_kind_label": "行政处罚信息",
            "severity": "general",
            "severity_label": "一般",
            "published": True,
            "publish_from": decided.isoformat(),
            "repair_earliest": add_months(decided, 3).isoformat(),
            "publish_until": add_months(decided, 12).isoformat(),
            "period_rule_source": "国家发展改革委令第36号《信用修复管理办法》；国办发〔2025〕22号",
            "local_portal": "本地信用门户网站",
            "counter": "宜昌市市场监督管理局政务服务窗口",
            "materials": [
                "信用修复申请书",
                "信用修复承诺书",
                "已履行行政处罚决定规定义务的证明材料（如罚没款缴纳凭证）",
                "已纠正失信行为、消除不良影响的说明及证明材料",
                "营业执照（登记证书）复印件和经办人身份证明",
            ],
        }
        letters.append(
            Letter(
                template=template,
                code=template.code,
                template_version=template.version,
                title=template.title,
                owner_type="bench.decision",
                owner_id=n + 1,
                recipient_uscc=uscc,
                recipient_name=name,
                department=department,
                context=context,
                batch=batch,
                verification_code=code,
                # As letter_create numbers them (文号 per department and year) and heads them (发文机关标志).
                doc_year=2026,
                doc_seq=n + 1,
                doc_no=f"宜市监信修〔2026〕{n + 1}号",
                issuer_header=department.name,
            )
        )
    Letter.objects.bulk_create(letters, batch_size=1000)
    return batch


def system_font_css() -> str:
    """The letters stylesheet with the bundled subset removed: every font-family falls to the system Noto Serif CJK."""
    css_text = (BASE_DIR / "static" / "css" / "letters.css").read_text(encoding="utf-8")
    css_text = css_text.replace('"CreditSerif", ', "")
    start = css_text.index("@font-face")
    return css_text[:start] + css_text[css_text.index("}", start) + 1 :]


def cli_baseline(sample, workdir: Path) -> list[float]:
    """The `weasyprint` command once per notice: a new process that imports WeasyPrint, loads the system font,
    parses the stylesheet, lays out one page and writes it."""
    import subprocess

    from apps.letters import documents, pdf

    css = workdir / "baseline.css"
    css.write_text(system_font_css(), encoding="utf-8")
    executable = Path(sys.executable).with_name("weasyprint")
    times = []
    for n, letter in enumerate(sample):
        source = workdir / f"baseline-{n}.html"
        source.write_text(pdf._document([documents.render_item(letter)]), encoding="utf-8")
        began = time.perf_counter()
        subprocess.run(
            [str(executable), "--stylesheet", str(css), str(source), str(workdir / f"baseline-{n}.pdf")],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - began)
    return times


def baseline(sample) -> list[float]:
    """One WeasyPrint call per notice with the full system font: parse the stylesheet, lay out, subset, write."""
    from weasyprint import CSS, HTML

    from apps.letters import documents, pdf

    css_text = system_font_css()
    times = []
    for letter in sample:
        item = documents.render_item(letter)
        began = time.perf_counter()
        html = pdf._document([item])
        HTML(string=html, base_url=str(BASE_DIR / "static") + "/", url_fetcher=pdf.RestrictedURLFetcher()).write_pdf(
            stylesheets=[CSS(string=css_text)]
        )
        times.append(time.perf_counter() - began)
    return times


def worker(batch_id: int, shard: int, shards: int, chunk: int) -> None:
    from django.db import connections

    from apps.letters.models import LetterBatch
    from apps.letters.services import letter_batch_run

    connections.close_all()
    letter_batch_run(batch=LetterBatch.objects.get(pk=batch_id), shard=shard, shards=shards, chunk_size=chunk)
    connections.close_all()


def run_with_processes(args: argparse.Namespace, batch) -> tuple[float, list[int]]:
    """`workers` forked processes, each running the batch service on its shard (what each shard task does)."""
    from django.db import connections

    from apps.letters.models import LetterBatch

    LetterBatch.objects.filter(pk=batch.pk).update(total=args.count)
    # No connection may cross the fork: a child closing an inherited PostgreSQL connection on exit ends it for this
    # process too ("server closed the connection unexpectedly" when the results are read).
    connections.close_all()
    context = multiprocessing.get_context("fork")
    began = time.perf_counter()
    processes = [
        context.Process(target=worker, args=(batch.pk, shard, args.workers, args.chunk))
        for shard in range(args.workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return time.perf_counter() - began, [p.exitcode for p in processes if p.exitcode != 0]


def run_with_celery(args: argparse.Namespace, batch) -> tuple[float, list[int]]:
    """A real worker (prefork, `workers` processes) on the benchmark's Redis database; the batch started as the
    product starts it. Its CPU is counted with this process's children (the worker is one)."""
    import subprocess

    import redis
    from django.db import connections

    from apps.letters.models import LetterBatch
    from apps.letters.services import letter_batch_start
    from config.celery import app

    # The broker database is the benchmark's own (--broker): emptied so that no message of an earlier, interrupted
    # run is waiting for the worker. Fails early and clearly when Redis is not there.
    redis.Redis.from_url(args.broker).flushdb()
    assert not app.conf.task_always_eager
    env = {**os.environ, "LETTERS_RENDER_CHUNK": str(args.chunk)}
    command = [
        str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "--pool", "prefork",
        "-c", str(args.workers), "-l", "warning", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    connections.close_all()
    worker_process = subprocess.Popen(command, env=env, cwd=BASE_DIR)
    try:
        time.sleep(3)  # let the worker start before the clock does (its start-up is not what is measured)
        began = time.perf_counter()
        letter_batch_start(batch=batch)  # outside a transaction: the job is sent at once
        while True:
            status = LetterBatch.objects.filter(pk=batch.pk).values_list("status", flat=True).get()
            if status in (LetterBatch.Status.DONE, LetterBatch.Status.DONE_WITH_ERRORS):
                break
            if worker_process.poll() is not None:
                raise SystemExit(f"the Celery worker stopped (exit {worker_process.returncode})")
            time.sleep(0.2)
        elapsed = time.perf_counter() - began
    finally:
        worker_process.terminate()
        worker_process.wait(timeout=60)
    return elapsed, []


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-notices-"))
    dropped = configure(args, workdir)
    try:
        run(args, workdir)
    finally:
        if dropped:
            drop_database(args, dropped)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> None:
    from django.conf import settings
    from django.db import connections

    from apps.letters import fonts, pdf
    from apps.letters.models import Letter, LetterBatch
    from apps.letters.selectors import storage_root

    # The batch job must not start on its own (Celery is eager in the test settings): the workers below take its place.
    db = connections["default"]
    print(f"database: {db.vendor} {db.settings_dict['NAME']}; storage: {settings.PRIVATE_STORAGE_ROOT}")
    print(
        f"bundled font: {fonts.BUNDLED_FONT.name} ({fonts.BUNDLED_FONT.stat().st_size / 1e6:.2f} MB); cpus: {os.cpu_count()}"
    )

    began = time.perf_counter()
    batch = setup_letters(args.count)
    print(
        f"setup: {args.count} queued notices in batch #{batch.pk} ({time.perf_counter() - began:.1f} s, not measured)"
    )

    if SYSTEM_FONT.is_file():
        sample = list(
            Letter.objects.select_related("template", "department").order_by("pk")[: args.baseline_sample + 1]
        )
        times = baseline(sample)
        per_notice_baseline = sum(times[1:]) / len(times[1:])
        print(
            f"baseline: one WeasyPrint call per notice, system Noto Serif CJK: first {times[0]:.3f} s, "
            f"then {per_notice_baseline:.3f} s/notice over {len(times) - 1}"
        )
        cli_times = cli_baseline(sample[: args.cli_sample], workdir) if args.cli_sample else []
        per_notice_cli = sum(cli_times) / len(cli_times) if cli_times else None
        if per_notice_cli:
            print(
                f"baseline, one `weasyprint` process per notice, system Noto Serif CJK: {per_notice_cli:.3f} s/notice "
                f"over {len(cli_times)} (the issue quotes about 7 s per notice; this machine is faster than that)"
            )
    else:
        per_notice_baseline = per_notice_cli = None
        print(f"baseline skipped: {SYSTEM_FONT} missing (apt-get install fonts-noto-cjk)")

    pdf._resources.cache_clear()
    connections.close_all()
    load_before = os.getloadavg()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if args.celery:
        elapsed, failed_workers = run_with_celery(args, batch)
    else:
        elapsed, failed_workers = run_with_processes(args, batch)
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)

    batch = LetterBatch.objects.get(pk=batch.pk)
    rendered = Letter.objects.filter(batch=batch, status=Letter.Status.RENDERED)
    sizes = list(rendered.values_list("size", flat=True))
    per_second = len(sizes) / elapsed
    print(
        f"batch: status {batch.status}, total {batch.total}, done {batch.done}, failed {batch.failed}"
        + (f", worker exit codes {failed_workers}" if failed_workers else "")
    )
    print(
        f"rendered and stored {len(sizes)} notices in {elapsed:.1f} s with {args.workers} "
        f"{'Celery worker processes (shard tasks)' if args.celery else 'forked workers'}, chunks of {args.chunk}: "
        f"{per_second:.1f} notices/s ({elapsed / max(len(sizes), 1):.4f} s/notice wall, "
        f"{args.workers * elapsed / max(len(sizes), 1):.4f} s/notice per core)"
    )
    print(
        f"CPU: the workers used {cpu_seconds:.1f} CPU-seconds = {cpu_seconds / max(len(sizes), 1) * 1000:.1f} ms per notice "
        f"(what {args.workers} otherwise idle cores would do: {args.workers * len(sizes) / max(cpu_seconds, 1e-9):.1f} notices/s); "
        f"load average before the run {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f} "
        "(other processes on the machine slow the wall-clock figure)"
    )
    if per_notice_baseline:
        print(
            f"speed-up over the baseline: {per_second * per_notice_baseline:.1f}x "
            f"(baseline {1 / per_notice_baseline:.1f} notices/s on one core)"
        )
    if per_notice_cli:
        print(
            f"speed-up over one process per notice: {per_second * per_notice_cli:.1f}x "
            f"(that baseline would take {per_notice_cli * args.count / 60:.0f} min for {args.count} notices)"
        )
    if sizes:
        print(
            f"file size: max {max(sizes) / 1024:.1f} KB, mean {sum(sizes) / len(sizes) / 1024:.1f} KB, "
            f"over 100 KB: {sum(1 for s in sizes if s > MAX_FILE_BYTES)}"
        )
    pages = set(rendered.values_list("page_count", flat=True))
    print(f"pages per notice: {sorted(pages)}")

    rng = random.Random(1)
    ids = list(rendered.values_list("pk", flat=True))
    checked = bad = 0
    for letter in Letter.objects.filter(pk__in=rng.sample(ids, min(args.check_sample, len(ids)))):
        data = (storage_root() / letter.file_path).read_bytes()
        text = "".join(pdf.pdf_text(data).split())
        ok = (
            hashlib.sha256(data).hexdigest() == letter.sha256
            and letter.recipient_name in text
            and letter.recipient_uscc in text
            and letter.context["decision_no"] in text
            and letter.verification_code in text
        )
        checked += 1
        bad += not ok
    print(
        f"text check: {checked - bad}/{checked} sampled PDFs have the name, code, decision number and verification code "
        "in their extracted text and match their SHA-256"
    )
    goal = (
        per_second >= GOAL_PER_SECOND
        and sizes
        and max(sizes) <= MAX_FILE_BYTES
        and not bad
        and len(sizes) == args.count
    )
    print(f"goal (>= {GOAL_PER_SECOND:.1f}/s, every file <= 100 KB, text extractable): {'met' if goal else 'NOT met'}")


if __name__ == "__main__":
    main()
