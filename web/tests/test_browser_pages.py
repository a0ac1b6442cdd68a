"""In headless Chromium: every kind of page of the site, the admin and the API docs passes the
Content-Security-Policy (no inline script, handler or style attribute anywhere), reports no console
error, and still works: the bell opens, forms submit, Swagger UI renders, the lockout page speaks."""

import re

import pytest
from playwright.sync_api import Page, expect

from ptw.tests.factories import EscalationRuleFactory

from .browser import CONSOLE_ERRORS, PASSWORD, log_in, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit(page: Page, path: str, *, status: int = 200) -> Page:
    response = page.goto(path)
    assert response is not None and response.status == status, f"{path}: {response and response.status}"
    page.wait_for_load_state("load")
    return page


def unexpected_console_errors() -> list[str]:
    # A page answered 4xx on purpose (the lockout page) is logged as a failed load: not a defect.
    return [error for error in CONSOLE_ERRORS if not re.search(r"status of 4\d\d", error)]


def test_every_dashboard_page_passes_the_policy_and_still_works(
    browser, live_server, creator, verifier, grade_a_admin, submitted, permit_type
):
    EscalationRuleFactory(permit_type=permit_type, step_name="verification", time_limit_hours=4)
    page = log_in(browser, live_server.url, creator.username)

    page.get_by_role("button", name=re.compile("^Notifications")).click()  # bell.js runs
    expect(page.locator("#bell-panel")).to_be_visible()
    for path in [
        "/dashboard/ptw/new/",
        submitted.get_absolute_url(),
        "/dashboard/notifications/",
        "/dashboard/notifications/?show=unread",
        "/accounts/password/",
        "/dashboard/profile/",
        "/dashboard/preferences/",
    ]:
        visit(page, path)
    visit(page, "/dashboard/ptw/view/999999", status=404)

    visit(page, "/dashboard/ptw/new/")
    page.get_by_label("Permit type").select_option(label=permit_type.name)
    page.get_by_label("Title").fill("Replace flange gasket")
    page.get_by_label("Location").fill("Unit 5")
    page.get_by_role("button", name="Create draft").click()
    expect(page.locator("#permit-status")).to_have_text("Draft")
    visit(page, page.url.rstrip("/") + "/edit/")

    reviewer = log_in(browser, live_server.url, verifier.username, path=submitted.get_absolute_url())
    expect(reviewer.get_by_role("button", name="Record verification")).to_be_visible()
    admin = log_in(browser, live_server.url, grade_a_admin.username, path="/dashboard/ptw/escalation-rules/")
    expect(admin.locator("#new-rule")).to_be_visible()

    assert unexpected_console_errors() == []


def test_the_admin_pages_pass_the_policy(browser, live_server, django_user_model, creator, submitted):
    django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    page = log_in(browser, live_server.url, "root", path="/admin/")

    for path in [
        "/admin/ptw/permit/",
        f"/admin/ptw/permit/{submitted.pk}/change/",
        "/admin/ptw/escalationrule/add/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{creator.pk}/change/",
        "/admin/axes/accessattempt/",
        "/admin/knox/authtoken/",
        "/admin/delivery/delivery/",
        f"/admin/accounts/user/{creator.pk}/password/",
    ]:
        visit(page, path)
    page.get_by_label("Disabled").check()  # the admin's own script toggles the password fields
    expect(page.get_by_label("Password", exact=True)).to_be_hidden()

    assert unexpected_console_errors() == []


def test_the_api_docs_render_swagger_ui_under_the_policy(browser, live_server):
    context = watch_console(browser.new_context(base_url=live_server.url))
    page = visit(context.new_page(), "/api/docs/")

    expect(page.locator(".opblock-summary").first).to_be_visible(timeout=15_000)
    expect(page.get_by_text("/api/v1/auth/token/", exact=True)).to_be_visible()

    assert unexpected_console_errors() == []


def test_the_lockout_page_speaks_a_sentence_under_the_policy(browser, live_server, creator):
    context = watch_console(browser.new_context(base_url=live_server.url))
    page = visit(context.new_page(), "/accounts/login/")

    for attempt in range(5):
        page.get_by_label("Username").fill(creator.username)
        page.get_by_label("Password").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("load")

    expect(page.get_by_role("alert")).to_contain_text(
        f"Too many failed log-ins for “{creator.username}” from your address"
    )
    expect(page.get_by_role("alert")).to_contain_text("blocked for 15 minutes")
    assert unexpected_console_errors() == []
