"""The live streams' reads: one statement checks every open user of a process."""

import pytest

from accounts.models import CompanyType, Membership
from notifications.models import Notification
from ptw.tests.factories import member
from web.live.selectors import UserState, session_user, stream_changes, user_states

from .servers import session_cookie

pytestmark = pytest.mark.django_db


def test_one_statement_reads_newest_id_unread_count_and_membership_of_every_open_user(
    project, verifier, approver, creator, submitted, django_assert_num_queries
):
    watchers = [member(project, username=f"watcher{i}", company_type=CompanyType.EPC) for i in range(30)]
    Membership.objects.filter(user=approver).update(is_active=False)
    type(creator).objects.filter(pk=creator.pk).update(is_active=False)
    newest = Notification.objects.filter(recipient=verifier).latest("pk").pk

    with django_assert_num_queries(1):
        states = user_states([verifier.pk, approver.pk, creator.pk, *(w.pk for w in watchers), 10**9])

    assert states[verifier.pk] == UserState(may_stream=True, newest_id=newest, unread=1)
    assert states[approver.pk].may_stream is False  # left every project
    assert states[creator.pk].may_stream is False  # account deactivated
    assert states[watchers[0].pk] == UserState(may_stream=True, newest_id=0, unread=0)
    assert 10**9 not in states  # no such user


def test_changes_are_my_notifications_after_the_id_and_my_unread_count(verifier, submitted):
    mine = Notification.objects.get(recipient=verifier)
    changes = stream_changes(verifier.pk, 0)
    assert [note["id"] for note in changes.notifications] == [mine.pk]
    assert (changes.unread, changes.more) == (1, False)
    assert stream_changes(verifier.pk, mine.pk).notifications == []


def test_a_session_is_its_users_only_while_the_user_is_active(verifier):
    key = session_cookie(verifier).split("=", 1)[1]
    assert session_user(key) == (verifier.pk, True)
    assert session_user("no-such-session") == (None, False)
    assert session_user(None) == (None, False)
    type(verifier).objects.filter(pk=verifier.pk).update(is_active=False)
    assert session_user(key) == (None, False)
