"""In a real browser (headless Chromium): notifications reach open pages live, within 2 s.

Chromium must be installed (CI installs Debian's `chromium`); without it these tests fail,
they do not skip. Each saves a screenshot (under docs/screenshots/ with UPDATE_SCREENSHOTS=1).
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Notification
from ptw.models import WorkflowStep
from ptw.workflow import initiate_workflow

from .browser import LIVE, log_in, screenshot
from .servers import ThreadedUvicorn, run_escalation_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_verifier_and_then_the_approver_see_their_task_arrive_live(
    browser, live_server, settings, creator, verifier, approver, permit_type
):
    settings.PTW_DEFAULT_VERIFIER_USERNAME = verifier.username  # two are eligible: pick this one
    verifier_page = log_in(browser, live_server.url, verifier.username)
    approver_page = log_in(browser, live_server.url, approver.username)
    creator_page = log_in(browser, live_server.url, creator.username, path="/dashboard/ptw/new/")
    expect(verifier_page.locator("#bell-count")).to_have_text("0")

    creator_page.get_by_label("Permit type").select_option(label=permit_type.name)
    creator_page.get_by_label("Title").fill("Replace pump seal P-101")
    creator_page.get_by_label("Location").fill("Unit 3, pump bay")
    creator_page.get_by_role("button", name="Create draft").click()
    expect(creator_page.locator("#permit-status")).to_have_text("Draft")
    creator_page.get_by_role("button", name="Submit for verification").click()
    expect(creator_page.locator("#permit-status")).to_have_text("Submitted (awaiting verification)")
    permit_path = urlsplit(creator_page.url).path
    creator_page.goto("/dashboard/ptw/")
    screenshot(creator_page, "dashboard.png", full_page=False)

    expect(verifier_page.locator("#bell-count")).to_have_text("1", timeout=LIVE)
    verifier_page.get_by_role("button", name="Notifications, 1 unread").click()
    item = verifier_page.locator("#bell-list .bell-item").first
    expect(item).to_contain_text("Verification required")
    expect(item).to_have_class(re.compile("is-unread"))
    screenshot(verifier_page, "bell-live.png", full_page=False)

    item.get_by_role("button").click()
    expect(verifier_page).to_have_url(re.compile(re.escape(permit_path) + "$"))
    expect(verifier_page.locator("#bell-count")).to_have_text("0")
    verifier_page.get_by_label("Approver").select_option(value=str(approver.pk))
    verifier_page.get_by_label("Comments").fill("Isolation plan checked on site.")
    verifier_page.get_by_role("button", name="Record verification").click()
    expect(verifier_page.locator("#permit-status")).to_have_text("Under review (awaiting approval)")

    expect(approver_page.locator("#bell-count")).to_have_text("1", timeout=LIVE)
    approver_page.get_by_role("button", name="Notifications, 1 unread").click()
    expect(approver_page.locator("#bell-list .bell-item").first).to_contain_text("Approval required")
    approver_page.locator("#bell-list .bell-item").first.get_by_role("button").click()
    expect(approver_page.get_by_role("button", name="Record approval")).to_be_visible()
    screenshot(approver_page, "permit-page.png")


def test_an_escalation_from_the_cron_command_reaches_an_open_page_live(
    browser, live_server, creator, verifier, make_permit, escalation_levels
):
    # "Move time": the verification step became the verifier's task 5 hours ago (limit 4 h),
    # so it is overdue by the real clock of the separate process.
    permit = make_permit(title="Hot work on flare line")
    initiate_workflow(permit=permit, by=creator, now=timezone.now() - timedelta(hours=5))
    step = WorkflowStep.objects.get(instance__permit=permit, step_id="verification")
    assert step.assignee == verifier  # the only eligible reviewer, assigned on submission
    Notification.objects.filter(recipient=verifier).update(read_at=timezone.now())
    page = log_in(browser, live_server.url, verifier.username)
    expect(page.locator("#bell-count")).to_have_text("0")

    run_escalation_command()

    expect(page.locator("#bell-count")).to_have_text("1", timeout=LIVE)
    page.get_by_role("button", name="Notifications, 1 unread").click()
    expect(page.locator("#bell-list .bell-item").first).to_contain_text("Task overdue")
    screenshot(page, "escalation-live.png", full_page=False)
    page.locator("#bell-list .bell-item").first.get_by_role("button").click()
    expect(page.locator("#steps")).to_contain_text("Overdue")
    screenshot(page, "escalation-permit-page.png")


def test_mark_all_read_in_the_inbox_zeroes_the_badge_here_and_in_other_tabs(browser, live_server, creator, submitted):
    page = log_in(browser, live_server.url, creator.username, path="/dashboard/notifications/")
    other_tab = page.context.new_page()
    other_tab.goto("/dashboard/ptw/")
    unread = str(Notification.objects.filter(recipient=creator, read_at__isnull=True).count())
    assert unread != "0"
    expect(page.locator("#bell-count")).to_have_text(unread)
    expect(other_tab.locator("#bell-count")).to_have_text(unread)

    page.get_by_role("button", name="Mark all read").first.click()
    expect(page.locator("#bell-count")).to_have_text("0")
    expect(page.locator("#bell-status")).to_have_text("0 unread notifications")
    expect(other_tab.locator("#bell-count")).to_have_text("0", timeout=LIVE)
    screenshot(page, "inbox.png")


def test_the_permit_page_fits_a_375_px_phone(browser, live_server, verifier, submitted):
    page = log_in(
        browser,
        live_server.url,
        verifier.username,
        path=submitted.get_absolute_url(),
        viewport={"width": 375, "height": 812},
    )
    expect(page.get_by_role("button", name="Record verification")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name=re.compile("^Notifications")).click()
    expect(page.locator("#bell-panel")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "mobile-375.png", full_page=False)


def test_under_uvicorn_the_bell_streams_and_a_tab_past_the_per_user_cap_polls(
    browser, settings, creator, verifier, make_permit, escalation_levels
):
    settings.LIVE_STREAMS_PER_USER = 1
    settings.LIVE_POLL_SECONDS = 3600 if connection.vendor == "postgresql" else 0.5  # PostgreSQL: NOTIFY only
    permit = make_permit(title="Confined space entry, tank T-4")
    initiate_workflow(permit=permit, by=creator, now=timezone.now() - timedelta(hours=5))
    Notification.objects.filter(recipient=verifier).update(read_at=timezone.now())

    with ThreadedUvicorn(static=True) as server:
        page = log_in(browser, server.url, verifier.username)
        expect(page.locator("#bell")).to_have_attribute("data-live", "sse")
        second_tab = page.context.new_page()  # same session: one stream too many
        second_tab.goto("/dashboard/ptw/")
        expect(second_tab.locator("#bell")).to_have_attribute("data-live", "poll")
        expect(page.locator("#bell-count")).to_have_text("0")

        run_escalation_command()

        for tab in (page, second_tab):
            expect(tab.locator("#bell-count")).to_have_text("1", timeout=LIVE)
        page.get_by_role("button", name="Notifications, 1 unread").click()
        expect(page.locator("#bell-list .bell-item").first).to_contain_text("Task overdue")
        page.context.close()
