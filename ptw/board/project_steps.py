"""Steps of one project picked by a time filter, read in two index-driven queries instead of one join."""

from django.db.models import QuerySet

from accounts.models import Project
from ptw.models import WorkflowInstance, WorkflowStep


def project_step_rows(project: Project, steps: QuerySet[WorkflowStep], fields: tuple[str, ...]) -> list[tuple]:
    """(permit type id, permit type name, *fields) for each of `steps` whose permit is in `project`.

    `steps` filters by time only (indexes workflowstep_completed, workflowstep_pending), so it
    reads the window's rows whatever the history. Joined to permits in SQL, the planner, seeing
    the project's share of a large permit table, would hash every workflow instance instead; here
    the second query looks the few instances up by primary key.
    """
    rows = list(steps.values_list("instance_id", *fields).order_by())
    if not rows:
        return []
    # By key only: filtering on the project here would make the planner read all its permits.
    permit_types = {
        pk: (type_id, type_name)
        for pk, project_id, type_id, type_name in WorkflowInstance.objects.filter(
            pk__in={row[0] for row in rows}
        ).values_list("pk", "permit__project_id", "permit__permit_type_id", "permit__permit_type__name")
        if project_id == project.pk
    }
    return [(*permit_types[row[0]], *row[1:]) for row in rows if row[0] in permit_types]
