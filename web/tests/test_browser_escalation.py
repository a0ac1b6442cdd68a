"""In a real browser: an escalated Grade B admin reassigns the step from the permit page and the
new assignee's bell rises (issue 12)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import CompanyType
from ptw.escalation import check_overdue_workflow_tasks
from ptw.models import WorkflowStep
from ptw.tests.factories import member
from ptw.workflow import assign_verifier, initiate_workflow

from .browser import LIVE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_escalated_grade_b_admin_reassigns_the_step_and_the_new_assignees_bell_rises(
    browser, live_server, settings, project, creator, verifier, grade_b_admin, make_permit, escalation_levels
):
    settings.ESCALATIONS_ENABLED = True
    nine_hours_ago = timezone.now() - timedelta(hours=9)
    permit = make_permit(title="Hot work on flare line")
    initiate_workflow(permit=permit, by=creator, now=nine_hours_ago)
    if WorkflowStep.objects.get(instance__permit=permit).assignee != verifier:
        assign_verifier(permit=permit, by=creator, verifier=verifier, now=nine_hours_ago)
    second = member(project, username="second_verifier", company_type=CompanyType.EPC)
    assert check_overdue_workflow_tasks(now=timezone.now()).ok  # past twice the 4 h limit: escalated

    new_assignee = log_in(browser, live_server.url, second.username)
    expect(new_assignee.locator("#bell-count")).to_have_text("0")
    admin = log_in(browser, live_server.url, grade_b_admin.username)
    admin.get_by_role("button", name=re.compile(r"Notifications, \d+ unread")).click()
    item = admin.locator("#bell-list .bell-item", has_text="Task escalated").first
    item.get_by_role("button").click()
    expect(admin).to_have_url(re.compile(rf"/dashboard/ptw/view/{permit.pk}#escalation$"))
    expect(admin.locator("#escalation")).to_be_visible()

    admin.get_by_label("Hand it to").select_option(value=str(second.pk))
    admin.get_by_role("button", name="Reassign").click()
    expect(admin.locator("#steps")).to_contain_text(second.display_name)
    screenshot(admin, "escalation-reassigned.png")

    expect(new_assignee.locator("#bell-count")).to_have_text("1", timeout=LIVE)
    new_assignee.get_by_role("button", name="Notifications, 1 unread").click()
    expect(new_assignee.locator("#bell-list .bell-item").first).to_contain_text("Verification required")
