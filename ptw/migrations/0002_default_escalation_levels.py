"""The specification's two levels, as data: 1× the limit → assignee, 2× → escalation recipients."""
from decimal import Decimal

from django.db import migrations

LEVELS = [
    (1, Decimal("1"), "ptw_overdue", "assignee"),
    (2, Decimal("2"), "ptw_escalated", "escalation"),
]


def add_levels(apps, schema_editor):
    EscalationLevel = apps.get_model("ptw", "EscalationLevel")
    for level, multiplier, event_type, audience in LEVELS:
        EscalationLevel.objects.get_or_create(
            level=level, defaults={"multiplier": multiplier, "event_type": event_type, "audience": audience}
        )


def remove_levels(apps, schema_editor):
    apps.get_model("ptw", "EscalationLevel").objects.filter(level__in=[1, 2]).delete()


class Migration(migrations.Migration):
    dependencies = [("ptw", "0001_initial")]
    operations = [migrations.RunPython(add_levels, remove_levels)]
