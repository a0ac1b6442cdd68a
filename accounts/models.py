"""Users, projects (sites) and project membership with company type, grade and roles."""

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not a known IANA time zone.")


class User(AbstractUser):
    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Project(models.Model):
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=30, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    members = models.ManyToManyField(User, through="Membership", related_name="projects")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class CompanyType(models.TextChoices):
    CONTRACTOR = "contractor", "Contractor"
    EPC = "epc", "EPC"
    CLIENT = "client", "Client"


class Grade(models.TextChoices):
    A = "A", "Grade A"
    B = "B", "Grade B"
    C = "C", "Grade C"


ADMIN_GRADES = (Grade.A, Grade.B)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    company_type = models.CharField(max_length=20, choices=CompanyType.choices)
    grade = models.CharField(max_length=1, choices=Grade.choices, default=Grade.C)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="membership_unique_user_project"),
        ]
        # Escalation recipients: "admins of project P" filters on (project, grade).
        indexes = [models.Index(fields=["project", "grade"], name="membership_project_grade")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.project.code} ({self.company_type}, {self.grade})"

    @property
    def is_project_admin(self) -> bool:
        return self.grade in ADMIN_GRADES


class MembershipRole(models.Model):
    """A free-text role a member holds in a project (e.g. safety_officer, manager)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles")
    name = models.SlugField(max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "name"], name="membership_role_unique"),
        ]
        indexes = [models.Index(fields=["name"], name="membership_role_name")]

    def __str__(self) -> str:
        return self.name
