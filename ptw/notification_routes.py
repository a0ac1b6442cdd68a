"""The routing table: which off-screen channels each PTW notification type goes to.

One row per type. A type added later without a row gets `delivery.routing.DEFAULT_ROUTE`
(e-mail, not critical, "Open the permit for the details."): add a row here when it should
differ (docs/architecture.md, "Reaching people off-screen"). In-app delivery is always on.

- `channels`: the default channels; `by_rule` reads the step's escalation rule's
  `notification_method` from the notification (the overdue sweep puts it there), e-mail
  without a rule.
- `critical`: users cannot mute it below one off-screen channel; never held for the digest.
- `ask`: what the recipient is asked to do, in every e-mail and SMS.
"""

from collections.abc import Mapping
from typing import Any

from delivery.models import Channel
from delivery.routing import Route, always

from .models.escalation import NotificationMethod

METHOD_CHANNELS: dict[str, tuple[str, ...]] = {
    NotificationMethod.EMAIL: (Channel.EMAIL,),
    NotificationMethod.SMS: (Channel.SMS,),
    NotificationMethod.BOTH: (Channel.EMAIL, Channel.SMS),
}


def by_rule(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The escalation rule's method (`notification_method` in the data); e-mail without a rule."""
    return METHOD_CHANNELS.get(data.get("notification_method", ""), (Channel.EMAIL,))


IN_APP_ONLY = always()
EMAIL = always(Channel.EMAIL)
RULE = "as the step's escalation rule says (e-mail without a rule)"

ROUTES: dict[str, Route] = {
    # Confirmations of one's own action: the bell is enough.
    "ptw_created": Route(IN_APP_ONLY, ask="Nothing: this confirms your own action."),
    "ptw_submitted": Route(IN_APP_ONLY, ask="Nothing: this confirms your own action."),
    "ptw_verification": Route(EMAIL, ask="Verify the permit, or reject it with a reason."),
    "ptw_approval": Route(EMAIL, ask="Approve the permit, or reject it with a reason."),
    "ptw_rejected": Route(EMAIL, ask="Read the reason, edit the permit and submit it again, or cancel it."),
    "ptw_approved": Route(IN_APP_ONLY, ask="Start the work when the site is ready."),
    "ptw_activated": Route(IN_APP_ONLY, ask="Nothing: work has started."),
    "ptw_completed": Route(IN_APP_ONLY, ask="Nothing: work is completed."),
    "ptw_closeout_required": Route(EMAIL, ask="Complete the closeout checklist before the permit ends."),
    # Escalation chains (issue 12): the warning before the limit follows the rule, like the overdue notice;
    # an acknowledgement only tells the others reached that someone has taken the task up.
    "ptw_task_due_soon": Route(by_rule, default_label=RULE, ask="Act on the step before its time limit."),
    "ptw_escalation_acknowledged": Route(IN_APP_ONLY, ask="Nothing, unless you disagree: the task has been taken up."),
    # Safety-critical: never muted below one off-screen channel, never held for a digest.
    "ptw_expiring": Route(EMAIL, critical=True, ask="Finish and close the work, or stop it, before the end time."),
    "ptw_expired": Route(EMAIL, critical=True, ask="Make the site safe: the permit no longer covers the work."),
    "ptw_isolation_pending": Route(EMAIL, critical=True, ask="Verify the isolation points before work starts."),
    "ptw_overdue": Route(by_rule, default_label=RULE, critical=True, ask="Act on the step now, or hand it on."),
    "ptw_escalated": Route(
        by_rule,
        default_label=RULE,
        critical=True,
        ask="Make sure the step is acted on: chase the assignee, or reassign it.",
    ),
    # Validity (issue 15): suspension is safety news for the people of the work; requests wait on someone.
    "ptw_suspended": Route(EMAIL, critical=True, ask="Keep the work stopped until the permit is resumed."),
    "ptw_resumed": Route(IN_APP_ONLY, ask="Nothing: work may go on under the permit."),
    "ptw_extension_requested": Route(EMAIL, ask="Approve the new end, or reject it with a reason, before the end."),
    "ptw_extension_approved": Route(IN_APP_ONLY, ask="Nothing: the permit's end has moved."),
    "ptw_extension_rejected": Route(EMAIL, ask="Finish and close out before the end: the permit still ends then."),
    "ptw_handover_requested": Route(
        EMAIL, ask="Check on site that each isolation point is still in place, then accept the handover."
    ),
    "ptw_handover_accepted": Route(IN_APP_ONLY, ask="Nothing: the permit has a new holder."),
    "ptw_handover_declined": Route(IN_APP_ONLY, ask="Nothing, unless you must find another holder."),
}
