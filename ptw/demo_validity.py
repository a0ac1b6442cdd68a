"""Demo permits showing each validity case (issue 15): an extended permit with its chain of ends
and a rejected request, an extension still waiting for its decision (past its time limit, so the
first check escalates it), an extension that was still pending when the permit expired, a shift
handover accepted with its isolation points confirmed, and one still waiting for the night lead.

Builders take the demo's `Demo` (ptw/demo.py), made through the services with `now=` in the past.
"""

from datetime import timedelta
from typing import TYPE_CHECKING

from . import extensions, handover, workflow
from .models import Permit

if TYPE_CHECKING:
    from .demo import Demo


def _active(d: "Demo", title: str, type_name: str, *, hours_ago: float, hours: float, location: str) -> Permit:
    permit = d.permit(
        title,
        type_name,
        by="contractor_b",
        at=d.ago(hours=hours_ago + 2),
        start=d.ago(hours=hours_ago),
        hours=hours,
        location=location,
    )
    d.approved(permit, at=d.ago(hours=hours_ago + 1.5))
    d.activate(permit, at=d.ago(hours=hours_ago))
    return permit


def extended(d: "Demo", title: str) -> None:
    """Extended once (the chain of ends shows two), then a second request rejected."""
    permit = _active(d, title, "Cold Work", hours_ago=6, hours=7, location="Tank farm, line HT-5")
    approver = d.users["client_approver"]
    first = extensions.request_extension(
        permit=permit,
        by=d.users["contractor_b"],
        new_end=permit.planned_end_time + timedelta(hours=3),
        reason="Hydro test hold period restarted after a gauge swap.",
        now=d.ago(hours=2),
    )
    extensions.decide_extension(permit=permit, by=approver, extension=first, approve=True, now=d.ago(hours=1.75))
    second = extensions.request_extension(
        permit=permit,
        by=d.users["contractor_b"],
        new_end=permit.planned_end_time + timedelta(hours=4),
        reason="Paint touch-up of the test spools.",
        now=d.ago(hours=1),
    )
    extensions.decide_extension(
        permit=permit,
        by=approver,
        extension=second,
        approve=False,
        comments="Painting is new work: raise a separate permit.",
        now=d.ago(minutes=50),
    )


def extension_waiting(d: "Demo", title: str) -> None:
    """Asked 2 h 30 min ago (limit 1 h): overdue for the approver and escalated to the admins."""
    permit = _active(d, title, "Hot Work", hours_ago=5, hours=8, location="Steam line S-4")
    extensions.request_extension(
        permit=permit,
        by=d.users["contractor_b"],
        new_end=permit.planned_end_time + timedelta(hours=2),
        reason="Two more welds found under the insulation.",
        now=d.ago(hours=2.5),
    )


def extension_lapsed(d: "Demo", title: str) -> None:
    """An extension still waiting when the end came: the permit expired all the same."""
    permit = _active(d, title, "Cold Work", hours_ago=10, hours=6, location="Cooling tower CT-2 basin")
    extensions.request_extension(
        permit=permit,
        by=d.users["contractor_b"],
        new_end=permit.planned_end_time + timedelta(hours=2),
        reason="Sludge removal slower than planned.",
        now=d.ago(hours=4.5),
    )
    locked = Permit.objects.select_for_update().select_related("permit_type", "project").get(pk=permit.pk)
    workflow.expire_permit(permit=locked, now=d.ago(hours=4))


def handed_over(d: "Demo", title: str) -> None:
    """Handed from the day lead to the night lead, who confirmed both isolation points in place."""
    permit = _active(d, title, "Cold Work", hours_ago=9, hours=12, location="Conveyor CV-7 tail pulley")
    d.isolate(permit, ("M-SWT-701", "P-VLV-501"), at=d.ago(hours=8.5), verified=True)
    asked = handover.request_handover(
        permit=permit,
        by=d.users["contractor_b"],
        to_user=d.users["contractor_c"],
        note="Day shift ends; belt splice half done.",
        now=d.ago(hours=1.5),
    )
    points = list(permit.isolation_points.values_list("pk", flat=True))
    handover.accept_handover(
        permit=permit, by=d.users["contractor_c"], handover=asked, confirmed_points=points, now=d.ago(hours=1.25)
    )


def handover_waiting(d: "Demo", title: str) -> None:
    """A handover asked 40 minutes ago: the outgoing holder stays responsible until it is accepted."""
    permit = _active(d, title, "Work at Height", hours_ago=4, hours=9, location="Flare stack FS-1 platform 2")
    handover.request_handover(
        permit=permit, by=d.users["contractor_b"], to_user=d.users["contractor_c"], now=d.ago(minutes=40)
    )


SCENARIOS = (
    ("Hydro test of line HT-5", extended),
    ("Weld repair on steam line S-4", extension_waiting),
    ("Desludge cooling tower CT-2 basin", extension_lapsed),
    ("Splice belt on conveyor CV-7", handed_over),
    ("Replace aviation light on flare stack FS-1", handover_waiting),
)
