"""Seeds a bench database for bench/live.py, with the code of the current directory (either side).

    python live_seed.py N   (cwd = the side's checkout; DATABASE_URL, SECRET_KEY set)

N users, all members of one project, each with 5 notifications (3 unread) and a logged-in
session; prints JSON {"sessions": [[cookie, last notification id], ...], "user_ids": [...]}.
"""

import json
import os
import sys
from datetime import timedelta

sys.path.insert(0, os.getcwd())

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from accounts.models import CompanyType, Grade, Membership, Project, User  # noqa: E402
from notifications.models import Notification  # noqa: E402

BATCH = 2000


def seed(n: int) -> dict:
    now = timezone.now()
    project = Project.objects.create(name="Bench site", code="BENCH")
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"bench{i:05d}", password=password) for i in range(n)], batch_size=BATCH
    )
    Membership.objects.bulk_create(
        [Membership(user=user, project=project, company_type=CompanyType.EPC, grade=Grade.C) for user in users],
        batch_size=BATCH,
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                notification_type="ptw_bench_seed",
                title=f"Seeded {k}",
                message="Seeded",
                dedupe_key=f"seed-{k}",
                created_at=now - timedelta(hours=k),
                read_at=now if k < 2 else None,
            )
            for user in users
            for k in range(5)
        ],
        batch_size=BATCH,
    )
    keys = [get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789") for _ in users]
    store = SessionStore()
    Session.objects.bulk_create(
        [
            Session(
                session_key=key,
                session_data=store.encode(
                    {
                        SESSION_KEY: str(user.pk),
                        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                        HASH_SESSION_KEY: user.get_session_auth_hash(),
                    }
                ),
                expire_date=now + timedelta(days=1),
            )
            for key, user in zip(keys, users, strict=True)
        ],
        batch_size=BATCH,
    )
    last = dict(Notification.objects.values("recipient").annotate(last=Max("id")).values_list("recipient", "last"))
    cookie = settings.SESSION_COOKIE_NAME
    return {
        "sessions": [[f"{cookie}={key}", last[user.pk]] for key, user in zip(keys, users, strict=True)],
        "user_ids": [user.pk for user in users],
    }


if __name__ == "__main__":
    print(json.dumps(seed(int(sys.argv[1]))))
