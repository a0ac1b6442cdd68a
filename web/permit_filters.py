"""The permit list's filter form: every criterion lives in the URL (GET), so a view can be linked."""

from typing import cast

from django import forms

from accounts.models import Project
from ptw.board.listing import ATTENTION, DEFAULT_SORT, SORTS, PermitQuery
from ptw.models import PermitStatus, PermitType

SORT_CHOICES = [(key, label) for name, (label, _) in SORTS.items() for key in (name, f"-{name}")]


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Project) -> str:
        return obj.name


class PermitListForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Number, title or location"}),
    )
    project = ProjectChoiceField(required=False, queryset=Project.objects.none(), empty_label="All my projects")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *PermitStatus.choices])
    permit_type = forms.ModelChoiceField(
        required=False, queryset=PermitType.objects.filter(is_active=True), empty_label="Any type", label="Type"
    )
    attention = forms.ChoiceField(
        required=False, choices=[("", "Anything"), *ATTENTION.items()], label="Needs attention"
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    def __init__(self, *args, projects: list[Project], **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = projects
        project_field = cast(forms.ModelChoiceField, self.fields["project"])
        project_field.queryset = Project.objects.filter(pk__in=[project.pk for project in projects])
        if len(projects) < 2:
            del self.fields["project"]

    def query(self) -> PermitQuery:
        """The valid criteria (an invalid one is left out: the form shows its error)."""
        data = getattr(self, "cleaned_data", {})
        project = data.get("project")
        permit_type = data.get("permit_type")
        return PermitQuery(
            projects=[project] if project else self.projects,
            status=data.get("status", ""),
            permit_type_id=permit_type.pk if permit_type else None,
            search=data.get("q", "").strip(),
            attention=data.get("attention", ""),
            sort=data.get("sort") or DEFAULT_SORT,
        )
