"""Shared machinery of the browser walk-throughs: the browser, sign-in, and the checks every page must pass.

Playwright's sync API runs an event loop of its own; Django refuses database access from a thread with a running
loop, so a walk-through runs in a worker thread (`in_browser`) and the test's own thread does the database work.

Every page the walk opens is checked as it is shown (`Session.step`):
- no English word of the workbench vocabulary and no raw ISO timestamp in the visible text (icon ligatures such as
  Material's "inbox" glyph are not text a person reads, and are skipped);
- every request the page makes goes to the server under test (vendored assets only, no CDN);
- no server error and no script error;
and a screenshot is saved to var/browser/<test>/<nn>-<step>.png.
"""

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

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
SHOTS = Path(settings.VAR_DIR) / "browser"

# English words of the workbench vocabulary that must not show on a zh-hans page, and raw ISO timestamps.
# An English word stands between non-letters: next to Chinese text too ("已认领Task"), which \b would not see.
ENGLISH = re.compile(
    r"(?<![A-Za-z])(?:(?i:Dashboard|Inbox|Queue|Archive|Applications?|Tasks?|Owner|Assign|Unassign|Execute|Approve|"
    r"Reject|Comment|Outcome|Reasons?|Action|Brief|Process|Created|Finished|Status|Cancel|Submit|Search|Filter|Undo|"
    r"Revive|Corrections|Finding|Home|Logout|Log out|Log in)|True|False|None)(?![A-Za-z])|\d+\s*-\s*\d+ of \d+"
)
ISO_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}")

# The words a person sees: visible text nodes, skipping icon ligatures, plus button values and placeholders.
VISIBLE_TEXT = """
() => {
  const ICON = ".material-icons, .material-icons-outlined, .mdc-button__icon, .mdc-list-item__graphic, [aria-hidden=true]";
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !el || el.closest("script, style, template, noscript") || el.closest(ICON)) continue;
    if (el.checkVisibility && !el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    out.push(text);
  }
  for (const el of document.querySelectorAll("input[type=submit], input[type=button], [placeholder]")) {
    if (el.checkVisibility && !el.checkVisibility()) continue;
    out.push(el.value && el.type !== "text" ? el.value : (el.getAttribute("placeholder") || ""));
  }
  return out.filter(Boolean);
}
"""


def wording_problems(texts: list[str]) -> list[str]:
    """English workbench words and ISO timestamps in a page's visible text."""
    found = []
    for text in texts:
        for pattern in (ENGLISH, ISO_TIMESTAMP):
            match = pattern.search(text)
            if match:
                found.append(f"{match.group(0)!r} in {text[:120]!r}")
    return found


@dataclass
class Session:
    """One person in one browser context: the page, what it requested, and the walk's running list of problems."""

    page: Any
    base_url: str
    shots: Path
    counter: list[int]
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    who: str = ""

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def goto(self, path: str) -> None:
        response = self.page.goto(self.url(path))
        if response is None or response.status >= 400:
            self.problems.append(f"{self.who} {path}: HTTP {response.status if response else 'none'}")

    def step(self, name: str) -> None:
        """The page as it is now: check its wording and save a screenshot named for the step."""
        self.page.wait_for_load_state("load")
        self.counter[0] += 1
        label = f"{self.counter[0]:02d}-{self.who}-{name}"
        self.page.screenshot(path=str(self.shots / f"{label}.png"), full_page=True)
        where = f"{label} ({self.page.url.removeprefix(self.base_url)})"
        self.problems.extend(f"{where}: {p}" for p in wording_problems(self.page.evaluate(VISIBLE_TEXT)))

    def submit(self, button: str, *, name: str) -> None:
        """Click a submit button by its visible name and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button, exact=True).click()
        self.step(name)

    def submit_in(self, scope: Any, button: str, *, name: str) -> None:
        """As `submit`, for the button of that name inside `scope` (a table row, a form)."""
        with self.page.expect_navigation():
            scope.get_by_role("button", name=button, exact=True).click()
        self.step(name)


class Walk:
    """A browser for one test: sessions per user, a shared step counter, every problem collected."""

    def __init__(self, browser: Any, base_url: str, test_name: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.shots = SHOTS / test_name
        self.shots.mkdir(parents=True, exist_ok=True)
        for old in self.shots.glob("*.*"):
            old.unlink()
        self.counter = [0]
        self.problems: list[str] = []
        self.requests: list[str] = []

    @contextmanager
    def as_user(self, username: str) -> Iterator[Session]:
        """Sign in through the login page as `username` in a fresh context (zh-hans, Beijing time)."""
        context = self.browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(30_000)
        page = context.new_page()
        session = Session(page, self.base_url, self.shots, self.counter, self.problems, self.requests, username)

        def on_request(request) -> None:
            self.requests.append(request.url)
            if not (request.url == self.base_url or request.url.startswith(f"{self.base_url}/")):
                self.problems.append(f"{username} {page.url}: request outside the server: {request.url}")

        def on_response(response) -> None:
            if response.status >= 500:
                self.problems.append(f"{username}: HTTP {response.status} for {response.url}")

        page.on("request", on_request)
        page.on("response", on_response)
        page.on("pageerror", lambda error: self.problems.append(f"{username} {page.url}: script error: {error}"))
        try:
            session.goto("/accounts/login/")
            page.get_by_label("用户名").fill(username)
            page.get_by_label("密码").fill(PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="登录").click()
            assert "/accounts/login/" not in page.url, f"{username} could not sign in"
            session.step("signed-in")
            yield session
        finally:
            context.close()


def in_browser(live_server_url: str, test_name: str, walk: Callable[[Walk], Any]) -> tuple[Any, Walk]:
    """Run `walk` against the live server in a worker thread with its own Chromium; return its result and the Walk."""

    def run() -> tuple[Any, Walk]:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                state = Walk(browser, live_server_url, test_name)
                return walk(state), state
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(run).result(timeout=900)


def assert_clean(walk: Walk) -> None:
    assert walk.requests, "the request guard saw no request"
    assert walk.problems == [], "\n".join(walk.problems)


def as_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# -- the workbench (Viewflow's Material frontend): its fields are web components, its pages swapped by Turbo ------


def choose(page: Any, label: str, option: str) -> None:
    """Pick `option` in the Material select labelled `label`."""
    page.locator(f"vf-field-select[label='{label}'] .mdc-select__anchor").click()
    page.get_by_role("option", name=option, exact=True).click()


LISTS = {"queue": "待认领", "inbox": "我的待办"}


def open_task(session: Session, reference: str, step: str, *, listing: str) -> None:
    """Open the task of case `reference` at `step` from a workbench list (queue or inbox) and claim it if need be."""
    page = session.page
    app, _sep, which = listing.rstrip("/").rpartition("/")
    session.goto(f"{app}/")  # the flow's workbench; its menu leads to the list, as a person would go
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(LISTS[which])).first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(listing), page.url
    row = page.locator("tr", has=page.get_by_role("link", name=reference, exact=True)).filter(has_text=step)
    row.get_by_role("link", name=reference, exact=True).click()
    claim = page.get_by_role("button", name="认领并办理", exact=True)
    claim.or_(page.get_by_role("button", name="办理", exact=True)).first.wait_for()
    page.wait_for_load_state("networkidle")
    if claim.count():  # a task not yet claimed opens on its page: claim it, then its form
        session.step(f"{step}-task")
        claim.click()
    page.wait_for_url("**/execute/")
    page.locator("form.vf-form").wait_for()
    session.step(f"{step}-form")


def finish_task(session: Session, step: str) -> None:
    """Submit the task form with 办理 and wait until the workbench has moved on from the form."""
    page = session.page
    before = page.url
    page.get_by_role("button", name="办理", exact=True).click()
    page.wait_for_url(lambda url: url != before)
    page.wait_for_load_state("networkidle")
    session.step(f"{step}-done")
