"""Helpers of the browser tests: headless Chromium (Debian's) driven by Playwright, and logins."""

import os
import time
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Browser, Page, ViewportSize

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


def log_in(
    browser: Browser,
    base_url: str,
    username: str,
    *,
    path: str = "/dashboard/ptw/",
    viewport: ViewportSize | None = None,
) -> Page:
    """A new browser context (its own cookies) logged in through the login page, at `path`."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 860}, base_url=base_url)
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
