"""Helpers of the browser tests: headless Chromium (Debian's) driven by Playwright, and logins."""

import os
import time
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, ViewportSize

from web import live

CHROMIUM = os.environ.get("PTW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Every run saves its screenshots; only UPDATE_SCREENSHOTS=1 overwrites the committed ones in
# docs/screenshots/ (names and times differ per run, and a test run should leave git clean).
SCREENSHOTS = Path(settings.BASE_DIR) / (
    "docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "var/screenshots"
)
PASSWORD = "pass12345"  # the factories' password
LIVE = 2000  # ms: a notification must reach an open page within 2 s
# Console errors and Content-Security-Policy violations of every watched browser context, in order.
CONSOLE_ERRORS: list[str] = []
# Chromium reports a violation on the console; this makes sure each one is said, with where it was.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => console.error(
  `CSP violation: ${event.violatedDirective} refused ${event.blockedURI || "inline code"}` +
  ` in ${event.sourceFile || document.location.href}:${event.lineNumber}`));
"""


def watch_console(context: BrowserContext) -> BrowserContext:
    """Record the context's console errors (CSP violations among them) in CONSOLE_ERRORS."""

    def record(message: ConsoleMessage) -> None:
        if message.type == "error":
            CONSOLE_ERRORS.append(f"{message.text} [{message.location.get('url', '')}]")

    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.on("console", record)
    context.on("weberror", lambda error: CONSOLE_ERRORS.append(f"uncaught: {error.error}"))
    return context


def csp_violations() -> list[str]:
    return [error for error in CONSOLE_ERRORS if "Content Security Policy" in error or "CSP violation" in error]


def log_in(
    browser: Browser,
    base_url: str,
    username: str,
    *,
    path: str = "/dashboard/ptw/",
    viewport: ViewportSize | None = None,
) -> Page:
    """A new browser context (its own cookies) logged in through the login page, at `path`."""
    context = watch_console(browser.new_context(viewport=viewport or {"width": 1280, "height": 860}, base_url=base_url))
    page = context.new_page()
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{path}")
    return page


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def wait_for_streams_to_end(timeout: float = 5.0) -> None:
    """After the browser closed: let the live server's streams notice (they write every second)
    before the test database is emptied under them."""
    deadline = time.monotonic() + timeout
    while live.open_streams() and time.monotonic() < deadline:
        time.sleep(0.05)
