"""Forms of the web pages: they parse input; the services in ptw/ decide and write."""

from datetime import datetime

from django import forms
from django.utils import timezone

from accounts.models import Project, User
from accounts.selectors import projects_of
from ptw.errors import InvalidInput
from ptw.models import (
    EscalationRule,
    IsolationPoint,
    Permit,
    PermitIsolationPoint,
    PermitStatus,
    PermitType,
    StepId,
)
from ptw.selectors import reviewer_candidates

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def add_service_errors(form: forms.Form, error: InvalidInput) -> None:
    """Put a service's per-field messages on the matching form fields (else on the form)."""
    for name, messages in error.errors.items():
        field = name if name in form.fields else name.removesuffix("_id")
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format=DATETIME_LOCAL)


class PermitFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *PermitStatus.choices])
    permit_type = forms.ModelChoiceField(
        required=False, queryset=PermitType.objects.filter(is_active=True), empty_label="Any type"
    )


class PermitForm(forms.Form):
    """Create a permit (with its project) or edit a draft (without)."""

    project = forms.ModelChoiceField(queryset=Project.objects.none(), empty_label=None)
    permit_type = forms.ModelChoiceField(queryset=PermitType.objects.filter(is_active=True))
    title = forms.CharField(max_length=200)
    location = forms.CharField(max_length=200)
    planned_start_time = forms.DateTimeField(widget=DateTimeLocalInput(), label="Planned start")
    planned_end_time = forms.DateTimeField(widget=DateTimeLocalInput(), label="Planned end")
    description = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user: User, permit: Permit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if permit is not None:
            del self.fields["project"]
            self.project = permit.project
        else:
            self.fields["project"].queryset = projects_of(user).order_by("name")
            self.project = None

    def clean(self):
        data = super().clean()
        self.project = data.get("project", self.project)
        # The times were typed in the project's local time; the page parsed them in the
        # header project's zone, which differs only for members of several projects.
        for name in ("planned_start_time", "planned_end_time"):
            if data.get(name) and self.project is not None:
                data[name] = _as_local_time(data[name], self.project)
        return data


def _as_local_time(value: datetime, project: Project) -> datetime:
    return timezone.make_aware(timezone.make_naive(value), project.tzinfo)


# --- Actions on a permit (one form per action; see web/actions.py) ---------------------------


class ActionForm(forms.Form):
    """Base of the action forms: knows the permit and the user acting."""

    def __init__(self, *args, permit: Permit, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.permit, self.user = permit, user


class CommentForm(ActionForm):
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RequiredCommentForm(ActionForm):
    comment = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.display_name
        return name if name == obj.username else f"{name} ({obj.username})"


class AssignVerifierForm(ActionForm):
    verifier = UserChoiceField(queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verifier"].queryset = reviewer_candidates(self.permit, step=StepId.VERIFICATION, by=self.user)


class AssignApproverForm(ActionForm):
    approver = UserChoiceField(queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approver"].queryset = reviewer_candidates(self.permit, step=StepId.APPROVAL, by=self.user)


DECISIONS = [("approve", "Approve"), ("reject", "Reject")]


class DecisionForm(ActionForm):
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect, initial="approve")
    comments = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text="Required when rejecting."
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class VerifyForm(DecisionForm):
    approver = UserChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose later",
        help_text="Who approves next (when approving).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service accepts the verifier as approver (four-eyes is not enforced there yet);
        # the page does not offer it, as that would invite a one-person check.
        candidates = reviewer_candidates(self.permit, step=StepId.APPROVAL, by=self.user)
        self.fields["approver"].queryset = candidates.exclude(pk=self.user.pk)


class IsolationAssignForm(ActionForm):
    point = forms.ModelChoiceField(queryset=IsolationPoint.objects.none(), label="Isolation point")
    required = forms.BooleanField(required=False, initial=True, label="Required before activation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = IsolationPoint.objects.filter(
            project_id=self.permit.project_id, is_active=True
        ).exclude(assignments__permit=self.permit)


ISOLATION_STEPS = [("isolate", "Isolate"), ("verify", "Verify"), ("deisolate", "De-isolate")]


class IsolationUpdateForm(ActionForm):
    assignment = forms.ModelChoiceField(queryset=PermitIsolationPoint.objects.none(), widget=forms.HiddenInput)
    step = forms.ChoiceField(choices=ISOLATION_STEPS)
    lock_ids = forms.CharField(
        required=False, max_length=500, label="Lock ids", help_text="Comma-separated, when isolating."
    )
    notes = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = PermitIsolationPoint.objects.filter(permit=self.permit)

    def clean_lock_ids(self) -> list[str]:
        return [lock.strip() for lock in self.cleaned_data["lock_ids"].split(",") if lock.strip()]


class CloseoutForm(ActionForm):
    """One checkbox and one remark per checklist item, plus overall remarks."""

    remarks = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, items: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            label = item["label"] + ("" if item.get("required") else " (optional)")
            self.fields[f"done_{item['key']}"] = forms.BooleanField(
                required=False, label=label, initial=item.get("done", False)
            )
            self.fields[f"remarks_{item['key']}"] = forms.CharField(
                required=False, max_length=1000, label="Remarks", initial=item.get("remarks", "")
            )

    def item_changes(self) -> dict[str, dict]:
        return {
            item["key"]: {
                "done": self.cleaned_data[f"done_{item['key']}"],
                "remarks": self.cleaned_data[f"remarks_{item['key']}"],
            }
            for item in self.items
        }

    def item_fields(self):
        return [(self[f"done_{item['key']}"], self[f"remarks_{item['key']}"]) for item in self.items]


# --- Escalation rules -----------------------------------------------------------------------


class EscalationRuleForm(forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = ["time_limit_hours", "escalate_to_role", "is_active"]
        labels = {
            "time_limit_hours": "Time limit (hours)",
            "escalate_to_role": "Escalate to role",
            "is_active": "Enabled",
        }
        help_texts = {"escalate_to_role": "Blank: the project's Grade A/B admins."}
        widgets = {"escalate_to_role": forms.TextInput(attrs={"list": "roles"})}


class NewEscalationRuleForm(EscalationRuleForm):
    class Meta(EscalationRuleForm.Meta):
        fields = ["permit_type", "step_name", *EscalationRuleForm.Meta.fields]
        labels = {**EscalationRuleForm.Meta.labels, "permit_type": "Permit type", "step_name": "Step"}
