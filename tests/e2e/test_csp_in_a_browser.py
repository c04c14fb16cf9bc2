"""BROWSER TEST: the Content-Security-Policy is one the pages satisfy, checked in a real Chromium.

The app runs on Django's live server (pytest-django `live_server`, a thread of this process); Playwright drives
Debian's /usr/bin/chromium. An officer, an applicant and the administrator sign in through the login page and open
the main pages. The test fails on any CSP violation (the page's `securitypolicyviolation` events and console errors
about the Content Security Policy), on any script error, and on any request to another host (vendored assets only).

Playwright's sync API runs an event loop of its own; Django refuses database access from a thread with a running
loop, so the browser runs in a worker thread and the test's own thread does the database work (before and after).
"""

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from viewflow.workflow.models import Process

from apps.accounts.models import User
from apps.repairs.models import RepairCase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "demo-pass-2026"
CLICK = "click:"
CANARY = "(canary)"
# Pages that build themselves after loading: wait until they have (Swagger UI fetches and renders the schema).
READY = {"/api/docs/": "#swagger-ui .opblock"}

# Reported by the page itself: the console does not always name the directive, the event does.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@dataclass
class Findings:
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    canary: list[str] = field(default_factory=list)  # what the listener caught of an inline script we injected


def browse(base_url: str, visits: list[tuple[str, list[str]]]) -> Findings:
    """Sign in as each user and open their pages; collect everything the policy or the network rules refused."""
    from playwright.sync_api import sync_playwright

    found = Findings()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for username, paths in visits:
                context = browser.new_context(locale="zh-CN")
                try:
                    visit_as(context, base_url, username, paths, found)
                finally:
                    context.close()
        finally:
            browser.close()
    return found


def visit_as(context, base_url: str, username: str, paths: list[str], found: Findings) -> None:
    host = urlparse(base_url).netloc
    context.add_init_script(LISTEN_FOR_VIOLATIONS)
    page = context.new_page()
    where = {"path": "/accounts/login/"}

    def problem(text: str) -> None:
        found.problems.append(f"{username} {where['path']}: {text}")

    def on_console(message) -> None:
        if message.type == "error" and re.search(r"Content[ -]Security[ -]Policy", message.text):
            if where["path"] == CANARY:
                found.canary.append(f"{username} console: {message.text}")
            else:
                problem(f"console: {message.text}")

    def on_request(request) -> None:
        if urlparse(request.url).scheme in {"http", "https", "ws", "wss"} and urlparse(request.url).netloc != host:
            problem(f"request to another host: {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problem(f"script error: {error}"))
    page.on("request", on_request)

    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    if "/accounts/login/" in page.url:
        problem("could not sign in")
        return
    for path in paths:
        where["path"] = path
        if path.startswith(CLICK):  # a link followed in the page: Turbo swaps the body, same document
            before = page.url
            page.click(path.removeprefix(CLICK))
            page.wait_for_url(lambda url, before=before: url != before)
            page.wait_for_load_state("networkidle")
        else:
            response = page.goto(f"{base_url}{path}", wait_until="networkidle")
            if response is None or response.status >= 400:
                problem(f"HTTP {response.status if response else 'none'}")
            if path in READY:
                page.wait_for_selector(READY[path], timeout=60_000)
        found.problems.extend(f"{username} {path}: {v}" for v in page.evaluate("window.__cspViolations.splice(0)"))
        found.visited.append(f"{username} {path}")
    # The canary: an inline script without the nonce must be blocked, and both listeners must say so.
    where["path"] = CANARY
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text, timeout=5_000):
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
            " document.body.append(s); }"
        )
    page.wait_for_function("window.__cspViolations.length > 0", timeout=5_000)
    found.canary.extend(f"{username} event: {v}" for v in page.evaluate("window.__cspViolations.splice(0)"))
    if page.evaluate("window.__ran === 1"):
        problem("an inline script without the nonce ran")


def test_the_main_pages_satisfy_the_content_security_policy(live_server):
    call_command("seed_demo", subjects=5)
    officer = User.objects.get(username="officer1")
    cases = RepairCase.objects.filter(department=officer.department).values_list("pk", flat=True)
    process = Process.objects.filter(
        artifact_content_type=ContentType.objects.get_for_model(RepairCase), artifact_object_id__in=list(cases)
    ).earliest("pk")
    process_page = f"/workflow/repair/{process.pk}/"
    common = ["/", "/verify/", "/api/docs/"]
    visits = [
        (
            "officer1",
            [
                *common,
                "/workflow/",
                process_page,
                f"{CLICK}a[href^='{process_page}'][href$='/']:not([href='{process_page}'])",  # a step of the case
                "/workbench/notices/",
                "/workbench/stats/monthly/",
                "/workbench/notifications/",
            ],
        ),
        ("applicant1", [*common, "/portal/repairs/", "/portal/objections/", "/portal/notifications/"]),
        (
            "admin",
            [*common, "/admin/", "/admin/axes/accessattempt/", "/workflow/", f"{process_page}cancel/"],
        ),
    ]
    with ThreadPoolExecutor(max_workers=1) as worker:
        found = worker.submit(browse, live_server.url, visits).result(timeout=600)
    assert found.problems == [], "\n".join(found.problems)
    assert len(found.visited) == sum(len(paths) for _user, paths in visits)
    # The listeners work: each session reported the inline script we slipped in, by event and on the console.
    for username, _paths in visits:
        caught = [line for line in found.canary if line.startswith(f"{username} ")]
        assert any(" event: script-src" in line for line in caught), found.canary
        assert any(" console: " in line and "script-src" in line for line in caught), found.canary
