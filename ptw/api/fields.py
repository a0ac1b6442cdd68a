"""Status fields with named schema components, so the "status" enums don't collide in the OpenAPI schema."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ptw.models import IsolationStatus, PermitStatus, StepStatus


@extend_schema_field({"type": "string", "enum": list(PermitStatus.values)}, component_name="PermitStatus")
class PermitStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=PermitStatus.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": list(StepStatus.values)}, component_name="StepStatus")
class StepStatusField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": list(IsolationStatus.values)}, component_name="IsolationStatus")
class IsolationStatusField(serializers.CharField):
    pass
