from ..states import PermitStatus
from .closeout import CloseoutTemplate, PermitCloseout
from .escalation import EscalationLevel, EscalationRecord, EscalationRule, JobRun
from .isolation import IsolationPoint, IsolationStatus, PermitIsolationPoint
from .jobs import JobRowFailure
from .permit import Permit, PermitCategory, PermitEvent, PermitType, RiskLevel
from .workflow import StepId, StepStatus, WorkflowInstance, WorkflowStep

__all__ = [
    "CloseoutTemplate",
    "EscalationLevel",
    "EscalationRecord",
    "EscalationRule",
    "IsolationPoint",
    "IsolationStatus",
    "JobRowFailure",
    "JobRun",
    "Permit",
    "PermitCategory",
    "PermitCloseout",
    "PermitEvent",
    "PermitIsolationPoint",
    "PermitStatus",
    "PermitType",
    "RiskLevel",
    "StepId",
    "StepStatus",
    "WorkflowInstance",
    "WorkflowStep",
]
