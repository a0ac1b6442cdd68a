"""In headless Chromium: the board and the permit list at 1366 and 375 px, live counts, and an
accessibility scan (axe-core, bundled by axe-playwright-python: nothing fetched at run time) of
every page of the site, which must show no serious or critical violation.

Screenshots go to var/screenshots (docs/screenshots with UPDATE_SCREENSHOTS=1, shown in the README).
"""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from ptw.permits import create_permit
from ptw.workflow import activate_permit, approve_permit, assign_verifier, initiate_workflow, verify_permit

from .browser import LIVE, PASSWORD, log_in, screenshot
from .site_data import seed_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 812}
BLOCKING = {"serious", "critical"}


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    results = Axe().run(page).response
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {violation['help']}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


def assert_fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def assert_numbers_never_wrap(page: Page) -> None:
    lines = page.eval_on_selector_all(".permit-number", "nodes => nodes.map(n => n.getClientRects().length)")
    assert lines and set(lines) == {1}


@pytest.fixture
def site(project, creator, verifier, approver, escalation_levels):
    return seed_site(project, creator=creator, verifier=verifier, approver=approver)


@pytest.mark.parametrize(("viewport", "suffix"), [(DESKTOP, "1366"), (PHONE, "375")])
def test_the_board_and_the_list_at_desktop_and_phone_widths(browser, live_server, site, viewport, suffix):
    page = log_in(browser, live_server.url, site["admin"].username, path="/", viewport=viewport)
    expect(page).to_have_url(re.compile("/dashboard/board/$"))  # an admin starts on the board
    expect(page.locator('[data-count="active"] .count-n')).to_have_text("4")
    expect(page.locator('[data-count="steps_overdue"] .count-n')).to_have_text("2")
    expect(page.locator('[data-count="escalated_today"] .count-n')).to_have_text("2")
    expect(page.locator(".countdown").first).to_have_text(re.compile(r"^2\d min left$"))
    expect(page.locator("#board-step-times tbody tr")).to_have_count(6)
    assert_fits(page, viewport["width"])
    assert_numbers_never_wrap(page)
    screenshot(page, f"board-{suffix}.png")

    page.locator('[data-count="steps_overdue"]').click()
    expect(page.locator("#permit-table tbody tr")).to_have_count(2)
    expect(page.locator("#permit-table")).to_contain_text("overdue")
    page.goto("/dashboard/ptw/?sort=-end")
    expect(page.locator("#list-summary")).to_contain_text("of 101 permits")
    assert_fits(page, viewport["width"])
    assert_numbers_never_wrap(page)
    screenshot(page, f"permit-list-{suffix}.png", full_page=False)


def test_counts_follow_the_stream_and_countdowns_tick_without_a_reload(
    browser, live_server, creator, verifier, make_permit
):
    page = log_in(browser, live_server.url, verifier.username, path="/dashboard/board/")
    expect(page.locator('[data-count="awaiting_verification"] .count-n')).to_have_text("0")
    page.evaluate("window.__notReloaded = true")

    permit = make_permit(title="Replace pump seal P-101")
    initiate_workflow(permit=permit, by=creator, now=timezone.now())  # the verifier's bell gets "Verification required"

    expect(page.locator('[data-count="awaiting_verification"] .count-n')).to_have_text("1", timeout=LIVE + 1000)
    expect(page.locator("#board-blocking")).to_contain_text(permit.permit_number)
    # a countdown is the browser's own: moved to 2 h from now, it says so within a second
    end = (timezone.now() + timedelta(hours=2, seconds=30)).isoformat()
    page.evaluate(
        """end => { const t = document.createElement('time'); t.dataset.countdown = '';
                    t.dateTime = end; t.id = 'probe'; document.body.append(t); }""",
        end,
    )
    expect(page.locator("#probe")).to_have_text(re.compile(r"^2 h 00 min left$"), timeout=2000)
    assert page.evaluate("window.__notReloaded") is True


def test_every_page_has_no_serious_or_critical_accessibility_violation(
    browser, live_server, site, creator, verifier, approver, grade_a_admin, permit_type, project, django_user_model
):
    start = timezone.now() + timedelta(hours=1)
    fields = {"project": project, "permit_type": permit_type, "location": "Unit 3", "planned_start_time": start}
    draft = create_permit(
        by=creator, title="Draft permit", planned_end_time=start + timedelta(hours=4), now=timezone.now(), **fields
    )
    submitted = create_permit(
        by=creator, title="Submitted permit", planned_end_time=start + timedelta(hours=4), now=timezone.now(), **fields
    )
    initiate_workflow(permit=submitted, by=creator, now=timezone.now())
    assign_verifier(permit=submitted, by=creator, verifier=verifier, now=timezone.now())
    active = create_permit(
        by=creator, title="Active permit", planned_end_time=start + timedelta(hours=4), now=timezone.now(), **fields
    )
    initiate_workflow(permit=active, by=creator, now=timezone.now())
    assign_verifier(permit=active, by=creator, verifier=verifier, now=timezone.now())
    verify_permit(permit=active, by=verifier, approve=True, approver=approver, now=timezone.now())
    approve_permit(permit=active, by=approver, approve=True, now=timezone.now())
    activate_permit(permit=active, by=creator, now=timezone.now())

    found = {}
    anonymous = browser.new_context(viewport=DESKTOP, base_url=live_server.url).new_page()
    for path in ["/accounts/login/", "/accounts/login/?next=/dashboard/board/"]:
        anonymous.goto(path)
        found[f"anonymous {path}"] = serious_violations(anonymous)
    anonymous.get_by_label("Username").fill("nobody")
    anonymous.get_by_label("Password").fill("wrong")
    anonymous.get_by_role("button", name="Log in").click()
    found["login error"] = serious_violations(anonymous)

    pages = {
        creator: [
            "/dashboard/board/",
            "/dashboard/ptw/",
            "/dashboard/ptw/?q=zzz-nothing",
            "/dashboard/ptw/?status=bogus",
            "/dashboard/ptw/new/",
            draft.get_absolute_url(),
            f"/dashboard/ptw/view/{draft.pk}/edit/",
            active.get_absolute_url(),
            "/dashboard/notifications/",
            "/dashboard/ptw/view/999999",
            "/dashboard/notifications/?show=unread",
            "/accounts/password/",
        ],
        verifier: [submitted.get_absolute_url()],
        grade_a_admin: ["/dashboard/ptw/escalation-rules/", "/dashboard/board/"],
        approver: ["/dashboard/ptw/escalation-rules/", "/dashboard/board/"],  # 403: not a Grade A admin
    }
    for user, paths in pages.items():
        for viewport in (DESKTOP, PHONE):
            page = log_in(browser, live_server.url, user.username, viewport=viewport)
            for path in paths:
                page.goto(path)
                found[f"{user.username} {viewport['width']} {path}"] = serious_violations(page)
            page.get_by_role("button", name=re.compile("^Notifications")).click()  # the bell's panel
            found[f"{user.username} {viewport['width']} bell panel"] = serious_violations(page)
            page.context.close()
    # the API docs, once Swagger UI has rendered the operations from the schema
    page = log_in(browser, live_server.url, creator.username, path="/api/docs/")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.locator(".swagger-ui .opblock").first.wait_for()
        found[f"API docs {viewport['width']}"] = serious_violations(page)
    # a form sent back with errors
    page = log_in(browser, live_server.url, creator.username, path="/dashboard/ptw/new/")
    page.get_by_role("button", name="Create draft").click()
    found["new permit with errors"] = serious_violations(page)
    # the Django admin, as the operator sees it
    django_user_model.objects.create_superuser("operator", password=PASSWORD)
    page = log_in(browser, live_server.url, "operator", path="/admin/")
    for path in ["/admin/", "/admin/ptw/escalationrule/", "/admin/ptw/escalationrule/add/", "/admin/ptw/permit/"]:
        page.goto(path)
        found[f"admin {path}"] = serious_violations(page)

    assert {where: issues for where, issues in found.items() if issues} == {}
    assert len(found) >= 30
