"""Forms of the web pages besides the permit actions' own (ptw/forms.py): filters, escalation rules.

They parse input; the services in ptw/ decide and write.
"""

from django import forms
from django.db.models import QuerySet

from accounts.models import Project
from ptw.errors import InvalidInput
from ptw.models import EscalationLevel, EscalationRule


def add_service_errors(form: forms.BaseForm, error: InvalidInput) -> None:
    """Put a service's per-field messages on the matching form fields (else on the form)."""
    for name, messages in error.errors.items():
        field = name if name in form.fields else name.removesuffix("_id")
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class EscalationRuleForm(forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = ["time_limit_hours", "escalate_to_role", "acknowledgement_timeout_hours", "is_active"]
        labels = {
            "time_limit_hours": "Time limit (hours)",
            "escalate_to_role": "Escalate to role",
            "acknowledgement_timeout_hours": "After an acknowledgement, wait (hours)",
            "is_active": "Enabled",
        }
        help_texts = {
            "escalate_to_role": "Blank: the project's Grade A/B admins.",
            "acknowledgement_timeout_hours": "The chain's next levels wait this long once someone acknowledges.",
        }
        widgets = {"escalate_to_role": forms.TextInput(attrs={"list": "roles"})}


class EscalationLevelForm(forms.ModelForm):
    """One level of a rule's chain; its event type is one of the known notification types (a choice)."""

    class Meta:
        model = EscalationLevel
        fields = ["level", "multiplier", "audience", "role", "event_type", "repeat_every_hours", "is_active"]
        labels = {
            "level": "Level",
            "multiplier": "At × limit",
            "audience": "Tell",
            "role": "Role",
            "event_type": "Notification",
            "repeat_every_hours": "Repeat every (h)",
            "is_active": "On",
        }
        help_texts = {"repeat_every_hours": "Last level only: until someone acts or acknowledges."}
        widgets = {"role": forms.TextInput(attrs={"list": "roles"})}


# A rule's chain: its levels, one more row to add one; none: the rule follows the global levels.
EscalationLevelFormSet = forms.inlineformset_factory(
    EscalationRule, EscalationLevel, form=EscalationLevelForm, extra=1, can_delete=True
)


class NewEscalationRuleForm(EscalationRuleForm):
    """A new rule for one of `projects` (the projects whose rules the user changes); blank: global (superusers)."""

    class Meta(EscalationRuleForm.Meta):
        fields = ["project", "permit_type", "step_name", *EscalationRuleForm.Meta.fields]
        labels = {
            **EscalationRuleForm.Meta.labels,
            "project": "Project",
            "permit_type": "Permit type",
            "step_name": "Step",
        }

    def __init__(self, *args, projects: QuerySet[Project], may_add_global: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = projects.order_by("name")
        field.required = not may_add_global
        field.empty_label = "All projects (global default)" if may_add_global else None
