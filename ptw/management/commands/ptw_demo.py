"""`manage.py ptw_demo`: load the demo project, users and permits (idempotent)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ptw.demo import DEMO_PASSWORD, PROJECT_CODE, seed_demo


class Command(BaseCommand):
    help = "Create the DEMO project, its users, permit types and permits at every stage (idempotent)."

    def handle(self, *args, **options):
        result = seed_demo(now=timezone.now())
        created = ", ".join(f"{what}: {count}" for what, count in result.created.items())
        self.stdout.write(
            f"Demo project {PROJECT_CODE}: "
            + (f"created {created}." if created else "already loaded, nothing changed.")
        )
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for user in result.users:
            roles = f", roles: {', '.join(user.roles)}" if user.roles else ""
            admin = ", Django superuser" if user.superuser else ""
            self.stdout.write(f"  {user.username:<16} {user.company_type:<10} grade {user.grade}{roles}{admin}")
