"""The HTML input of each permit action (ptw/actions.py names one per action; the web pages render it).

Each form parses what a person typed into the keyword arguments of the action's service
(`service_arguments()`), as the action's API serializer does for JSON. They check shape and
offer choices; the services decide and write.
"""

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import Project, User
from accounts.selectors import projects_of

from .models import (
    EscalationLevel,
    IsolationPoint,
    Permit,
    PermitIsolationPoint,
    PermitType,
    StepId,
    StepStatus,
    WorkflowStep,
)
from .selectors import closeout_for, reviewer_candidates

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_LOCAL)


class ActionForm(forms.Form):
    """Base of the action forms: knows the permit and the user acting."""

    def __init__(self, *args: Any, permit: Permit, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.permit, self.user = permit, user

    def service_arguments(self) -> dict[str, Any]:
        """The service's keyword arguments (besides permit, by and now); call once valid."""
        return dict(self.cleaned_data)


class PermitForm(forms.Form):
    """Create a permit (with its project) or edit a draft (without: the edit action's input)."""

    project = forms.ModelChoiceField(queryset=Project.objects.none(), empty_label=None)
    permit_type = forms.ModelChoiceField(queryset=PermitType.objects.filter(is_active=True))
    title = forms.CharField(max_length=200)
    location = forms.CharField(max_length=200)
    planned_start_time = forms.DateTimeField(widget=DateTimeLocalInput(), label="Planned start")
    planned_end_time = forms.DateTimeField(widget=DateTimeLocalInput(), label="Planned end")
    description = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: User, permit: Permit | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The project whose local time the planned times are typed in (chosen in the form when new).
        self.site: Project | None = None
        if permit is not None:
            del self.fields["project"]
            self.site = permit.project
        else:
            self.fields["project"].queryset = projects_of(user).order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.site = data.get("project", self.site)
        # The times were typed in the project's local time; the page parsed them in the
        # header project's zone, which differs only for members of several projects.
        for name in ("planned_start_time", "planned_end_time"):
            if data.get(name) and self.site is not None:
                data[name] = _as_local_time(data[name], self.site)
        return data

    def service_arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _as_local_time(value: datetime, project: Project) -> datetime:
    return timezone.make_aware(timezone.make_naive(value), project.tzinfo)


class CommentForm(ActionForm):
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(ActionForm):
    """Cancelling is final: the page asks for the reason and a tick that confirms it (no script)."""

    comment = forms.CharField(
        label="Reason for cancelling",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the permit is cancelled: the reason goes on its timeline."},
    )
    confirm = forms.BooleanField(
        label="Yes, cancel this permit. This cannot be undone.",
        error_messages={"required": "Tick the box to confirm: cancelling cannot be undone."},
    )

    def service_arguments(self) -> dict[str, Any]:
        return {"comment": self.cleaned_data["comment"]}


class RequiredCommentForm(ActionForm):
    comment = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.display_name
        return name if name == obj.username else f"{name} ({obj.username})"


class AssignVerifierForm(ActionForm):
    verifier = UserChoiceField(queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["verifier"].queryset = reviewer_candidates(  # type: ignore[attr-defined]
            self.permit, step=StepId.VERIFICATION, by=self.user
        )


class AssignApproverForm(ActionForm):
    approver = UserChoiceField(queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["approver"].queryset = reviewer_candidates(  # type: ignore[attr-defined]
            self.permit, step=StepId.APPROVAL, by=self.user
        )


DECISIONS = [("approve", "Approve"), ("reject", "Reject")]


class DecisionForm(ActionForm):
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect, initial="approve")
    comments = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text="Required when rejecting."
    )

    def service_arguments(self) -> dict[str, Any]:
        return {"approve": self.cleaned_data["decision"] == "approve", "comments": self.cleaned_data["comments"]}


class VerifyForm(DecisionForm):
    approver = UserChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose later",
        help_text="Who approves next (when approving).",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # (never the person verifying: they become the verifier)
        self.fields["approver"].queryset = reviewer_candidates(  # type: ignore[attr-defined]
            self.permit, step=StepId.APPROVAL, by=self.user
        )

    def service_arguments(self) -> dict[str, Any]:
        arguments = super().service_arguments()
        arguments["approver"] = self.cleaned_data["approver"] if arguments["approve"] else None
        return arguments


class IsolationAssignForm(ActionForm):
    point = forms.ModelChoiceField(queryset=IsolationPoint.objects.none(), label="Isolation point")
    required = forms.BooleanField(required=False, initial=True, label="Required before activation")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = IsolationPoint.objects.filter(  # type: ignore[attr-defined]
            project_id=self.permit.project_id, is_active=True
        ).exclude(assignments__permit=self.permit)


class StepActionForm(ActionForm):
    """An action on the permit's pending workflow step (acknowledge, reassign, take over)."""

    step = forms.ModelChoiceField(queryset=WorkflowStep.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        pending = WorkflowStep.objects.filter(instance__permit=self.permit, status=StepStatus.PENDING)
        self.fields["step"].queryset = pending  # type: ignore[attr-defined]
        self.pending = pending.first()
        if self.pending is not None and not self.is_bound:
            self.initial.setdefault("step", self.pending.pk)


class AcknowledgeForm(StepActionForm):
    note = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What you are doing about it (“on it — calling the verifier”). The others told are informed.",
    )


class ReassignForm(StepActionForm):
    assignee = UserChoiceField(queryset=User.objects.none(), label="Hand it to")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.pending is not None:
            candidates = reviewer_candidates(self.permit, step=StepId(self.pending.step_id), by=self.user)
            if self.pending.assignee_id:
                candidates = candidates.exclude(pk=self.pending.assignee_id)
            self.fields["assignee"].queryset = candidates  # type: ignore[attr-defined]


class IsolationStepForm(ActionForm):
    """Move one of the permit's isolation points on (verify, de-isolate)."""

    assignment = forms.ModelChoiceField(queryset=PermitIsolationPoint.objects.none(), widget=forms.HiddenInput)
    notes = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = PermitIsolationPoint.objects.filter(  # type: ignore[attr-defined]
            permit=self.permit
        )


class IsolateForm(IsolationStepForm):
    lock_ids = forms.CharField(
        required=False, max_length=500, label="Lock ids", help_text="Comma-separated, when isolating."
    )

    def clean_lock_ids(self) -> list[str]:
        return [lock.strip() for lock in self.cleaned_data["lock_ids"].split(",") if lock.strip()]


class CloseoutForm(ActionForm):
    """One checkbox and one remark per checklist item, plus overall remarks."""

    remarks = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The checklist as it stands (its type's template, unticked, before its first save).
        self.items: list[dict[str, Any]] = closeout_for(self.permit).items
        for item in self.items:
            label = item["label"] + ("" if item.get("required") else " (optional)")
            self.fields[f"done_{item['key']}"] = forms.BooleanField(
                required=False, label=label, initial=item.get("done", False)
            )
            self.fields[f"remarks_{item['key']}"] = forms.CharField(
                required=False, max_length=1000, label="Remarks", initial=item.get("remarks", "")
            )

    def service_arguments(self) -> dict[str, Any]:
        changes = {
            item["key"]: {
                "done": self.cleaned_data[f"done_{item['key']}"],
                "remarks": self.cleaned_data[f"remarks_{item['key']}"],
            }
            for item in self.items
        }
        return {"items": changes, "remarks": self.cleaned_data["remarks"]}

    def item_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"done_{item['key']}"], self[f"remarks_{item['key']}"]) for item in self.items]


def chain_levels(formset: forms.BaseInlineFormSet) -> list[EscalationLevel]:
    """The levels a valid chain formset keeps (filled rows not marked for deletion), unsaved.

    The rules page and the admin both hand these to ptw.escalation_rules.save_escalation_chain.
    """
    return [
        form.instance
        for form in formset.forms
        if (form.has_changed() or form.instance.pk) and not (formset.can_delete and form.cleaned_data.get("DELETE"))
    ]
