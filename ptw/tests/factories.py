"""factory_boy factories for the PTW world."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import CompanyType, Grade, Membership, MembershipRole, Project, User
from ptw.models import (
    CloseoutTemplate,
    EscalationRule,
    IsolationPoint,
    Permit,
    PermitCategory,
    PermitType,
)


class ProjectFactory(factory.django.DjangoModelFactory[Project]):
    class Meta:
        model = Project
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Site {n}")
    code = factory.Sequence(lambda n: f"SITE{n}")
    time_zone = "UTC"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass12345")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    project = factory.SubFactory(ProjectFactory)
    company_type = CompanyType.CONTRACTOR
    grade = Grade.C


def member(
    project: Project,
    *,
    company_type: str = CompanyType.CONTRACTOR,
    grade: str = Grade.C,
    roles: tuple[str, ...] = (),
    **user_fields,
) -> User:
    """A user who is a member of `project` with the given company type, grade and roles."""
    user = UserFactory.create(**user_fields)
    membership = MembershipFactory.create(user=user, project=project, company_type=company_type, grade=grade)
    for role in roles:
        MembershipRole.objects.create(membership=membership, name=role)
    return user


class PermitTypeFactory(factory.django.DjangoModelFactory[PermitType]):
    class Meta:
        model = PermitType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Cold work {n}")
    category = PermitCategory.COLD_WORK
    requires_structured_isolation = False
    requires_closeout = False


class PermitFactory(factory.django.DjangoModelFactory[Permit]):
    """A draft permit, created directly (use ptw.permits.create_permit to get the notification)."""

    class Meta:
        model = Permit

    permit_type = factory.SubFactory(PermitTypeFactory)
    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Job {n}")
    location = "Unit 1"
    planned_start_time = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
    planned_end_time = factory.LazyAttribute(lambda p: p.planned_start_time + timedelta(hours=8))
    created_by = factory.SubFactory(UserFactory)
    permit_number = factory.Sequence(lambda n: f"PTW-2026-{n + 900000:06d}")
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")


class IsolationPointFactory(factory.django.DjangoModelFactory[IsolationPoint]):
    class Meta:
        model = IsolationPoint

    project = factory.SubFactory(ProjectFactory)
    code = factory.Sequence(lambda n: f"ISO-{n:03d}")
    point_type = "breaker"
    energy_type = "electrical"
    location = "MCC room"


class CloseoutTemplateFactory(factory.django.DjangoModelFactory[CloseoutTemplate]):
    class Meta:
        model = CloseoutTemplate

    permit_type = factory.SubFactory(PermitTypeFactory)
    name = "Standard closeout"
    items = factory.LazyFunction(
        lambda: [
            {"key": "area_clean", "label": "Work area clean", "required": True},
            {"key": "tools_removed", "label": "Tools removed", "required": True},
            {"key": "photos", "label": "Photos taken", "required": False},
        ]
    )


class EscalationRuleFactory(factory.django.DjangoModelFactory[EscalationRule]):
    class Meta:
        model = EscalationRule

    permit_type = factory.SubFactory(PermitTypeFactory)
    step_name = "verification"
    time_limit_hours = 4
    escalate_to_role = ""
