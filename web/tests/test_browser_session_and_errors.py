"""In headless Chromium: an action clicked after the session ended comes back to the permit page
(not a 405) once logged in again; a bell item too; a form with errors focuses its summary at the top."""

import re

import pytest
from playwright.sync_api import Page, expect

from .browser import PASSWORD, csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_again(page: Page, username: str) -> None:
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_action_after_the_session_ended_returns_to_the_permit_page_with_a_message(
    browser, live_server, creator, draft
):
    page = log_in(browser, live_server.url, creator.username, path=draft.get_absolute_url())
    page.context.clear_cookies(name="sessionid")  # the session ended (its CSRF cookie stays)

    page.get_by_role("button", name="Submit").first.click()
    log_in_again(page, creator.username)

    expect(page).to_have_url(re.compile(rf"/dashboard/ptw/view/{draft.pk}$"))
    expect(page.locator(".msg-info")).to_contain_text("nothing was changed")
    expect(page.locator("#permit-status")).to_have_text("Draft")
    assert csp_violations() == []


def test_a_bell_item_after_the_session_ended_opens_its_page_after_logging_in(browser, live_server, verifier, submitted):
    page = log_in(browser, live_server.url, verifier.username, path="/dashboard/notifications/")
    page.get_by_role("button", name=re.compile("^Notifications")).click()
    item = page.locator("#bell-panel .bell-link").first
    expect(item).to_be_visible()
    page.context.clear_cookies(name="sessionid")

    item.click()
    log_in_again(page, verifier.username)

    expect(page).to_have_url(re.compile(rf"/dashboard/ptw/view/{submitted.pk}$"))


def test_a_form_with_errors_shows_a_summary_at_the_top_and_moves_the_focus_there(
    browser, live_server, creator, permit_type
):
    page = log_in(browser, live_server.url, creator.username, path="/dashboard/ptw/new/")
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Create draft").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Title: This field is required.")
    summary.get_by_role("link", name=re.compile("^Title")).click()
    expect(page.get_by_label("Title")).to_be_focused()
    assert csp_violations() == []
