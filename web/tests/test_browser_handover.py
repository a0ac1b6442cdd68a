"""In a real browser (headless Chromium): a shift handover, with the incoming holder's bell rising live."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ptw.isolation import assign_isolation_point, isolate_point
from ptw.tests.factories import IsolationPointFactory, member

from .browser import LIVE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_handover_reaches_the_incoming_holder_live_and_the_permit_changes_hands(
    browser, live_server, project, creator, active
):
    night_lead = member(project, username="night_lead", first_name="Nadia", last_name="Lead")
    point = IsolationPointFactory.create(project=project, code="E-BRK-9", location="MCC-1")
    assignment = assign_isolation_point(permit=active, by=creator, point=point, now=timezone.now())
    isolate_point(permit=active, by=creator, assignment=assignment, lock_ids=["L-9"], now=timezone.now())
    permit_path = f"/dashboard/ptw/view/{active.pk}"
    incoming = log_in(browser, live_server.url, night_lead.username)
    outgoing = log_in(browser, live_server.url, creator.username, path=permit_path)
    expect(incoming.locator("#bell-count")).to_have_text("0")

    outgoing.get_by_label("Hand over to").select_option(value=str(night_lead.pk))
    outgoing.get_by_role("button", name="Hand over (shift change)").click()
    expect(outgoing.locator("#pending-handover")).to_contain_text("stays responsible")

    expect(incoming.locator("#bell-count")).to_have_text("1", timeout=LIVE)
    incoming.get_by_role("button", name="Notifications, 1 unread").click()
    item = incoming.locator("#bell-list .bell-item").first
    expect(item).to_contain_text("Handover requested")
    item.get_by_role("button").click()
    expect(incoming).to_have_url(re.compile(re.escape(permit_path) + "$"))
    incoming.get_by_label(re.compile("E-BRK-9")).check()
    screenshot(incoming, "handover-accept.png")
    incoming.get_by_role("button", name="Accept handover").click()
    expect(incoming.locator("#holder")).to_have_text("Nadia Lead")

    expect(outgoing.locator("#bell-count")).not_to_have_text("0", timeout=LIVE)
    outgoing.get_by_role("button", name=re.compile("Notifications")).click()
    expect(outgoing.locator("#bell-list .bell-item").first).to_contain_text("Handover accepted")
