"""PTW API routes, included at /api/v1/."""

from django.urls import path

from . import views, views_board, views_isolation, views_permits, views_validity, views_workflow

app_name = "ptw-api"
urlpatterns = [
    path("ptw/permit-types/", views.PermitTypeListView.as_view(), name="permit-types"),
    path("ptw/projects/", views.MyProjectListView.as_view(), name="projects"),
    path("ptw/workflow/my-tasks/", views.MyTaskListView.as_view(), name="my-tasks"),
    path("ptw/isolation-points/", views.IsolationPointListView.as_view(), name="isolation-points"),
    path("ptw/board/counts/", views_board.BoardCountsView.as_view(), name="board-counts"),
    path("ptw/board/active-permits/", views_board.BoardActivePermitsView.as_view(), name="board-active-permits"),
    path("ptw/board/blocking/", views_board.BoardBlockingView.as_view(), name="board-blocking"),
    path("ptw/board/step-times/", views_board.BoardStepTimesView.as_view(), name="board-step-times"),
    path("ptw/board/trend/", views_board.BoardTrendView.as_view(), name="board-trend"),
    path("ptw/permits/", views_permits.PermitListView.as_view(), name="permits"),
    path("ptw/permits/<int:pk>/", views_permits.PermitDetailView.as_view(), name="permit"),
    path(
        "ptw/permits/<int:pk>/verifier-candidates/",
        views_permits.VerifierCandidatesView.as_view(),
        name="verifier-candidates",
    ),
    path(
        "ptw/permits/<int:pk>/approver-candidates/",
        views_permits.ApproverCandidatesView.as_view(),
        name="approver-candidates",
    ),
    path("ptw/permits/<int:pk>/timeline/", views_permits.PermitTimelineView.as_view(), name="timeline"),
    path("ptw/permits/<int:pk>/isolation/", views_isolation.PermitIsolationView.as_view(), name="isolation"),
    path("ptw/permits/<int:pk>/closeout/", views_isolation.PermitCloseoutView.as_view(), name="closeout"),
    path("ptw/permits/<int:pk>/extensions/", views_validity.PermitExtensionListView.as_view(), name="extensions"),
    path("ptw/permits/<int:pk>/handovers/", views_validity.PermitHandoverListView.as_view(), name="handovers"),
    # One route per routed action (ptw/actions.py): /permits/{id}/<target path>/<route>/.
    *[
        path(
            f"ptw/permits/<int:pk>/{action.target.path}/{action.route}/",
            view,
            name=f"{action.target.url_name}-{action.route}",
        )
        for action, view in views_workflow.ACTION_VIEWS.items()
    ],
    path("ptw/permits/<int:pk>/workflow/status/", views_workflow.workflow_status, name="workflow-status"),
]
