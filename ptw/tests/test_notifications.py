"""The specification's notification tests (section 4), by name.

They are `django.test.TestCase` methods so that both `python manage.py test
ptw.tests.test_notifications` (Django's runner) and pytest run them.
"""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from accounts.models import CompanyType, Grade
from notifications.models import Notification
from ptw import workflow
from ptw.notification_utils import (
    PTW_NOTIFICATION_TYPES,
    PermitFacts,
    create_ptw_notification,
    generate_dedupe_key,
    notify_permit_approved,
    notify_permit_submitted,
    notify_verifier_assigned,
)
from ptw.permits import create_permit
from ptw.tests.factories import PermitTypeFactory, ProjectFactory, member


class PTWNotificationTestCase(TestCase):
    """A project with a contractor creator, an EPC verifier, a client approver and an outsider."""

    @classmethod
    def setUpTestData(cls):
        cls.project = ProjectFactory.create(code="NOTIF", name="Notification site", time_zone="UTC")
        cls.creator = member(cls.project, username="n_creator", company_type=CompanyType.CONTRACTOR, grade=Grade.C)
        cls.verifier = member(cls.project, username="n_verifier", company_type=CompanyType.EPC, grade=Grade.C)
        cls.approver = member(cls.project, username="n_approver", company_type=CompanyType.CLIENT, grade=Grade.C)
        cls.permit_type = PermitTypeFactory.create(
            name="Notification cold work", requires_closeout=False, requires_structured_isolation=False
        )

    def create_permit(self, **kwargs):
        start = timezone.now() + timedelta(hours=1)
        fields = {
            "by": self.creator,
            "project": self.project,
            "permit_type": self.permit_type,
            "title": "Replace valve",
            "location": "Unit 3",
            "planned_start_time": start,
            "planned_end_time": start + timedelta(hours=8),
        }
        return create_permit(**{"now": timezone.now(), **fields, **kwargs})

    def inbox(self, user, notification_type=None):
        notifications = Notification.objects.filter(recipient=user)
        if notification_type:
            notifications = notifications.filter(notification_type=notification_type)
        return notifications


class NotificationUtilsTests(PTWNotificationTestCase):
    def test_create_ptw_notification(self):
        permit = self.create_permit(now=timezone.now())
        notification = create_ptw_notification(
            self.verifier.pk,
            "ptw_verification",
            PermitFacts.of(permit),
            extra_data={"step": "verification"},
            sender_id=self.creator.pk,
            now=timezone.now(),
        )
        self.assertIsNotNone(notification)
        self.assertEqual(notification.recipient_id, self.verifier.pk)
        self.assertEqual(notification.notification_type, "ptw_verification")
        self.assertIn(PTW_NOTIFICATION_TYPES["ptw_verification"], notification.title)
        self.assertIn(permit.permit_number, notification.message)
        self.assertEqual(
            notification.data,
            {
                "permit_id": permit.pk,
                "permit_number": permit.permit_number,
                "permit_type": self.permit_type.name,
                "step": "verification",
                # what e-mails and SMS name, and the zone their times are in (delivery/messages.py)
                "about": f"{permit.permit_number} ({permit.title})",
                "time_zone": permit.project.time_zone,
            },
        )
        self.assertEqual(notification.link, f"/dashboard/ptw/view/{permit.pk}")
        self.assertEqual(notification.sender_id, self.creator.pk)
        self.assertFalse(notification.read)
        self.assertEqual(
            notification.dedupe_key,
            generate_dedupe_key(self.verifier.pk, "ptw_verification", permit.pk, now=timezone.now()),
        )

    def test_notification_idempotency(self):
        permit = self.create_permit(now=timezone.now())
        first = create_ptw_notification(
            self.verifier.pk, "ptw_verification", PermitFacts.of(permit), now=timezone.now()
        )
        second = create_ptw_notification(
            self.verifier.pk, "ptw_verification", PermitFacts.of(permit), now=timezone.now()
        )
        self.assertIsNotNone(first)
        self.assertIsNone(second)
        self.assertEqual(self.inbox(self.verifier, "ptw_verification").count(), 1)
        # a different `extra` is a different notification
        third = create_ptw_notification(
            self.verifier.pk, "ptw_verification", PermitFacts.of(permit), dedupe_extra="again", now=timezone.now()
        )
        self.assertIsNotNone(third)
        self.assertEqual(self.inbox(self.verifier, "ptw_verification").count(), 2)

    def test_notify_permit_submitted(self):
        permit = self.create_permit(now=timezone.now())
        notify_permit_submitted(PermitFacts.of(permit), now=timezone.now())
        notify_permit_submitted(PermitFacts.of(permit), now=timezone.now())
        submitted = self.inbox(self.creator, "ptw_submitted")
        self.assertEqual(submitted.count(), 1)
        self.assertEqual(submitted.get().data["permit_id"], permit.pk)
        self.assertFalse(Notification.objects.exclude(recipient=self.creator).exists())

        # and the workflow sends it when the creator initiates the permit
        other = self.create_permit(title="Paint tank", now=timezone.now())
        workflow.initiate_workflow(permit=other, by=self.creator, now=timezone.now())
        self.assertEqual(self.inbox(self.creator, "ptw_submitted").filter(data__permit_id=other.pk).count(), 1)

    def test_notify_verifier_assigned(self):
        permit = self.create_permit(now=timezone.now())
        notify_verifier_assigned(
            PermitFacts.of(permit), self.verifier.pk, sender_id=self.creator.pk, now=timezone.now()
        )
        notification = self.inbox(self.verifier, "ptw_verification").get()
        self.assertEqual(notification.sender_id, self.creator.pk)
        self.assertEqual(notification.link, f"/dashboard/ptw/view/{permit.pk}")
        # the actor assigning themselves is not told of their own action
        self.assertEqual(
            notify_verifier_assigned(
                PermitFacts.of(permit), self.creator.pk, sender_id=self.creator.pk, now=timezone.now()
            ),
            [],
        )
        self.assertFalse(self.inbox(self.creator, "ptw_verification").exists())

    def test_notify_permit_approved(self):
        permit = self.create_permit(now=timezone.now())
        workflow.initiate_workflow(permit=permit, by=self.creator, now=timezone.now())
        workflow.assign_verifier(permit=permit, by=self.creator, verifier=self.verifier, now=timezone.now())
        workflow.verify_permit(
            permit=permit, by=self.verifier, approve=True, approver=self.approver, now=timezone.now()
        )
        workflow.approve_permit(permit=permit, by=self.approver, approve=True, now=timezone.now())
        for user in (self.creator, self.verifier):
            approved = self.inbox(user, "ptw_approved").get()
            self.assertEqual(approved.sender_id, self.approver.pk)
            self.assertEqual(approved.data["permit_number"], permit.permit_number)
        self.assertFalse(self.inbox(self.approver, "ptw_approved").exists())
        # raising it again the same day changes nothing
        self.assertEqual(
            notify_permit_approved(PermitFacts.of(permit), sender_id=self.approver.pk, now=timezone.now()), []
        )
        self.assertEqual(Notification.objects.filter(notification_type="ptw_approved").count(), 2)


# ---------------------------------------------------------------------------------------------
# Escalation and expiry tests (specification section 4, owned by the escalation issue):
# test_escalation_task_creates_notification, test_escalation_idempotency,
# test_auto_expire_permits_task — append them below this line, as TestCase methods.
# ---------------------------------------------------------------------------------------------

from datetime import UTC, datetime  # noqa: E402  (the escalation tests' imports, kept with them)
from importlib import import_module  # noqa: E402
from io import StringIO  # noqa: E402

import time_machine  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import override_settings  # noqa: E402

from ptw.models import EscalationLevel, EscalationRecord, PermitEvent, WorkflowStep  # noqa: E402
from ptw.tasks import auto_expire_permits, check_overdue_workflow_tasks  # noqa: E402


@time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), tick=False)
@override_settings(ESCALATIONS_ENABLED=True, NOTIFICATIONS_ENABLED=True)
class EscalationTaskTests(PTWNotificationTestCase):
    """The Celery tasks of ptw/tasks.py, run in-process (a real worker: ptw/tests/test_tasks.py)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = member(cls.project, username="n_admin", company_type=CompanyType.CLIENT, grade=Grade.A)
        for level, multiplier, event_type, audience in import_module(
            "ptw.migrations.0002_default_escalation_levels"
        ).LEVELS:
            EscalationLevel.objects.get_or_create(
                level=level, defaults={"multiplier": multiplier, "event_type": event_type, "audience": audience}
            )

    def submitted(self, *, hours_ago):
        """A permit whose verification has been pending with the verifier for `hours_ago` hours."""
        at = timezone.now() - timedelta(hours=hours_ago)
        permit = self.create_permit(now=at)
        workflow.initiate_workflow(permit=permit, by=self.creator, now=at)
        workflow.assign_verifier(permit=permit, by=self.creator, verifier=self.verifier, now=at)
        return permit

    def test_escalation_task_creates_notification(self):
        on_time = self.submitted(hours_ago=3)
        overdue = self.submitted(hours_ago=5)
        escalated = self.submitted(hours_ago=9)

        result = check_overdue_workflow_tasks()

        self.assertTrue(result["ok"])
        self.assertEqual(
            sorted(self.inbox(self.verifier, "ptw_overdue").values_list("data__permit_id", flat=True)),
            sorted([overdue.pk, escalated.pk]),
        )
        to_admin = self.inbox(self.admin, "ptw_escalated").get()
        self.assertEqual(to_admin.data["permit_id"], escalated.pk)
        self.assertIn("has been pending with", to_admin.message)
        self.assertFalse(
            Notification.objects.filter(
                data__permit_id=on_time.pk, notification_type__in=["ptw_overdue", "ptw_escalated"]
            ).exists()
        )

    def test_escalation_idempotency(self):
        self.submitted(hours_ago=9)

        check_overdue_workflow_tasks()
        WorkflowStep.objects.update(next_check_at=F("pending_since"))  # make the step due again today
        check_overdue_workflow_tasks()
        call_command("ptw_check_escalations", stdout=StringIO())

        self.assertEqual(self.inbox(self.verifier, "ptw_overdue").count(), 1)
        self.assertEqual(self.inbox(self.admin, "ptw_escalated").count(), 1)
        self.assertEqual(EscalationRecord.objects.count(), 2)

    def test_auto_expire_permits_task(self):
        start = timezone.now() - timedelta(hours=9)
        permit = self.create_permit(planned_start_time=start, planned_end_time=start + timedelta(hours=8), now=start)
        workflow.initiate_workflow(permit=permit, by=self.creator, now=start)
        workflow.assign_verifier(permit=permit, by=self.creator, verifier=self.verifier, now=start)
        workflow.verify_permit(permit=permit, by=self.verifier, approve=True, approver=self.approver, now=start)
        workflow.approve_permit(permit=permit, by=self.approver, approve=True, now=start)
        workflow.activate_permit(permit=permit, by=self.creator, now=start)

        result = auto_expire_permits()
        auto_expire_permits()  # a second run changes nothing

        self.assertEqual((result["ok"], result["expired"]), (True, 1))
        permit.refresh_from_db()
        self.assertEqual(permit.status, "expired")
        self.assertEqual(self.inbox(self.creator, "ptw_expired").count(), 1)
        expiry = PermitEvent.objects.get(permit=permit, to_status="expired")
        self.assertEqual((expiry.actor_name, expiry.from_status), ("system", "active"))
