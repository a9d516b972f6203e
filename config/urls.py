from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from accounts import views as accounts_views
from config import views as config_views
from documents import api as documents_api
from reports import api as reports_api
from reports import views as report_views
from emulation import api as emulation_api
from inspections import api as inspections_api
from reform import api as reform_api
from tasks import api as tasks_api

admin.site.site_header = _("Kỷ Cương administration")
admin.site.site_title = "Kỷ Cương"

api_v1 = [
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("units/", accounts_api.UnitListApi.as_view(), name="unit-list"),
    path("units/<int:pk>/", accounts_api.UnitDetailApi.as_view(), name="unit-detail"),
    path("people/", accounts_api.PersonListApi.as_view(), name="person-list"),
    path("people/<int:pk>/", accounts_api.PersonDetailApi.as_view(), name="person-detail"),
    path("tasks/", tasks_api.TaskListCreateApi.as_view(), name="task-list"),
    path("reports/tasks/", reports_api.TaskReportApi.as_view(), name="task-report"),
    path("tasks/import-history/", tasks_api.TaskHistoryImportApi.as_view(), name="task-import-history"),
    path("tasks/<int:pk>/", tasks_api.TaskDetailApi.as_view(), name="task-detail"),
    path("tasks/<int:pk>/checklist/", tasks_api.TaskChecklistApi.as_view(), name="task-checklist"),
    *[
        path(f"tasks/<int:pk>/{name.replace('_', '-')}/", view.as_view(), name=f"task-{name.replace('_', '-')}")
        for name, view in tasks_api.ACTIONS.items() if name != "decide_extension"
    ],
    path("tasks/<int:pk>/extensions/<int:request_pk>/decide/", tasks_api.ACTIONS["decide_extension"].as_view(),
         name="task-decide-extension"),
    path("violation-types/", inspections_api.ViolationTypeListApi.as_view(), name="violation-type-list"),
    path("inspection-plans/", inspections_api.PlanListCreateApi.as_view(), name="inspection-plan-list"),
    path("inspection-plans/<int:pk>/", inspections_api.PlanDetailApi.as_view(), name="inspection-plan-detail"),
    path("inspections/", inspections_api.InspectionListCreateApi.as_view(), name="inspection-list"),
    path("inspections/<int:pk>/", inspections_api.InspectionDetailApi.as_view(), name="inspection-detail"),
    *[path(f"inspections/<int:pk>/{name}/", view.as_view(), name=f"inspection-{name}")
      for name, view in inspections_api.INSPECTION_ACTIONS.items()],
    path("inspections/<int:pk>/findings/", inspections_api.FindingCreateApi.as_view(), name="inspection-findings"),
    path("inspections/<int:pk>/roll/", inspections_api.CheckRollApi.as_view(), name="inspection-roll"),
    path("inspections/<int:pk>/roll/open/", inspections_api.RollOpenApi.as_view(), name="inspection-roll-open"),
    path("inspections/<int:pk>/roll/findings/", inspections_api.RollFindingsApi.as_view(),
         name="inspection-roll-findings"),
    path("inspections/<int:pk>/roll/<int:roll_pk>/submit/", inspections_api.RollSubmitApi.as_view(),
         name="inspection-roll-submit"),
    path("inspections/<int:pk>/roll/<int:roll_pk>/people/", inspections_api.RollPersonApi.as_view(),
         name="inspection-roll-people"),
    path("inspections/repeat-offenders/", inspections_api.RepeatOffendersApi.as_view(),
         name="inspection-repeat-offenders"),
    path("findings/", inspections_api.FindingListApi.as_view(), name="finding-list"),
    path("findings/<int:pk>/", inspections_api.FindingDetailApi.as_view(), name="finding-detail"),
    *[path(f"findings/<int:pk>/{name}/", view.as_view(), name=f"finding-{name}")
      for name, view in inspections_api.FINDING_ACTIONS.items()],
    path("recommendations/<int:pk>/verify/", inspections_api.RecommendationVerifyApi.as_view(),
         name="recommendation-verify"),
    path("recommendations/<int:pk>/withdraw/", inspections_api.RecommendationWithdrawApi.as_view(),
         name="recommendation-withdraw"),
    path("recommendations/<int:pk>/replace-task/", inspections_api.RecommendationReplaceTaskApi.as_view(),
         name="recommendation-replace-task"),
    path("decisions/", inspections_api.DecisionListCreateApi.as_view(), name="decision-list"),
    path("decisions/<int:pk>/", inspections_api.DecisionDetailApi.as_view(), name="decision-detail"),
    *[path(f"decisions/<int:pk>/{name}/", view.as_view(), name=f"decision-{name}")
      for name, view in inspections_api.DECISION_ACTIONS.items()],
    path("reform/sets/", reform_api.SetListApi.as_view(), name="reform-set-list"),
    path("reform/sets/<int:pk>/", reform_api.SetDetailApi.as_view(), name="reform-set-detail"),
    path("reform/sets/<int:pk>/assessments/", reform_api.AssessmentListApi.as_view(), name="reform-assessment-list"),
    path("reform/sets/<int:pk>/ranking/", reform_api.RankingApi.as_view(), name="reform-ranking"),
    path("reform/sets/<int:pk>/survey/", reform_api.SurveyApi.as_view(), name="reform-set-survey"),
    path("reform/sets/<int:pk>/freeze/", reform_api.FreezeApi.as_view(), name="reform-set-freeze"),
    path("reform/sets/<int:pk>/publish/", reform_api.PublishApi.as_view(), name="reform-set-publish"),
    path("reform/sets/<int:pk>/copy/", reform_api.SetCopyApi.as_view(), name="reform-set-copy"),
    path("reform/sets/<int:pk>/versions/", reform_api.SetVersionApi.as_view(), name="reform-set-version"),
    path("reform/sets/<int:pk>/versions/open/", reform_api.SetVersionOpenApi.as_view(),
         name="reform-set-version-open"),
    path("reform/assessments/<int:pk>/", reform_api.AssessmentDetailApi.as_view(), name="reform-assessment-detail"),
    path("reform/assessments/<int:pk>/self-scores/", reform_api.SelfScoreApi.as_view(), name="reform-self-score"),
    path("reform/assessments/<int:pk>/appraisals/", reform_api.AppraiseApi.as_view(), name="reform-appraise"),
    *[path(f"reform/assessments/<int:pk>/{name}/", view.as_view(), name=f"reform-assessment-{name}")
      for name, view in reform_api.ASSESSMENT_ACTIONS.items()],
    *[path(f"reform/assessments/<int:pk>/{name}/", view.as_view(), name=f"reform-assessment-{name}")
      for name, view in reform_api.SUB_CRITERION_ACTIONS.items()],
    path("reform/sets/<int:pk>/remedies/", reform_api.RemedyListApi.as_view(), name="reform-remedy-list"),
    path("emulation/periods/", emulation_api.PeriodListCreateApi.as_view(), name="emulation-period-list"),
    path("emulation/periods/<int:pk>/", emulation_api.PeriodDetailApi.as_view(), name="emulation-period-detail"),
    path("emulation/periods/<int:pk>/advance/", emulation_api.PeriodAdvanceApi.as_view(),
         name="emulation-period-advance"),
    path("emulation/periods/<int:pk>/recompute/", emulation_api.PeriodRecomputeApi.as_view(),
         name="emulation-period-recompute"),
    path("emulation/periods/<int:pk>/ratings/", emulation_api.RatingListApi.as_view(), name="emulation-rating-list"),
    path("emulation/periods/<int:pk>/ratings/<int:person_pk>/", emulation_api.RatingDetailApi.as_view(),
         name="emulation-rating-detail"),
    path("emulation/periods/<int:pk>/ratings/<int:person_pk>/general/", emulation_api.RatingGeneralApi.as_view(),
         name="emulation-rating-general"),
    path("emulation/periods/<int:pk>/ratings/<int:person_pk>/level/", emulation_api.RatingLevelApi.as_view(),
         name="emulation-rating-level"),
    path("emulation/periods/<int:pk>/units/", emulation_api.UnitScoreListApi.as_view(), name="emulation-unit-list"),
    path("emulation/periods/<int:pk>/nominations/", emulation_api.NominationListCreateApi.as_view(),
         name="emulation-nomination-list"),
    path("emulation/periods/<int:pk>/nominations/<int:nomination_pk>/withdraw/",
         emulation_api.NominationWithdrawApi.as_view(), name="emulation-nomination-withdraw"),
    path("emulation/periods/<int:pk>/awards/", emulation_api.AwardListApi.as_view(), name="emulation-award-list"),
    path("emulation/periods/<int:pk>/awards/<int:award_pk>/revoke/", emulation_api.AwardRevokeApi.as_view(),
         name="emulation-award-revoke"),
    path("emulation/sessions/<int:pk>/", emulation_api.SessionDetailApi.as_view(), name="emulation-session-detail"),
    path("emulation/sessions/<int:pk>/ballot/", emulation_api.BallotApi.as_view(), name="emulation-session-ballot"),
    path("emulation/sessions/<int:pk>/close/", emulation_api.SessionCloseApi.as_view(),
         name="emulation-session-close"),
    path("documents/<slug:kind>/<int:pk>/", documents_api.DocumentDetailApi.as_view(), name="document-detail"),
    path("documents/<slug:kind>/<int:pk>/issue/", documents_api.DocumentIssueApi.as_view(), name="document-issue"),
    path("documents/<slug:kind>/<int:pk>/docx/", documents_api.DocumentDocxApi.as_view(), name="document-docx"),
    path("documents/<slug:kind>/<int:pk>/pdf/", documents_api.DocumentPdfApi.as_view(), name="document-pdf"),
]

urlpatterns = [
    path("", report_views.home, name="home"),
    path("inbox/", report_views.inbox, name="inbox"),
    path("readyz", report_views.readyz, name="readyz"),
    path("rules/", report_views.rules_in_force, name="rules"),
    path("reports/tasks/", report_views.task_report_page, name="task_report"),
    path("reports/tasks/export.xlsx", report_views.task_report_export, name="task_report_export"),
    path("reports/tasks/send/", report_views.task_report_send, name="task_report_send"),
    path("favicon.ico", config_views.favicon, name="favicon"),
    path("", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("tasks/", include("tasks.urls")),
    path("inspections/", include("inspections.urls")),
    path("reform/", include("reform.urls")),
    path("emulation/", include("emulation.urls")),
    path("documents/", include("documents.urls")),
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A government system does not publish the map of its API: the schema answers signed-in users
    # only (SERVE_PERMISSIONS), and the docs page sends anyone else to the sign-in page.
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
]

# Uploaded files are never served from MEDIA_URL, not even in development: evidence is read only
# through the views that check who may see it (tasks/evidence/<id>/, inspections/evidence/<id>/).

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
