"""The monev's place in Wagtail's admin: its URLs (/admin/monev/) and its menu item, shown to
monev admins, appointed evaluators and officers of a participating body."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views as views

app_name = "monev_admin"
P = "p/<str:token>/"  # a period, by its token
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.period_create, name="period_create"),
    path("history/", views.history, name="history"),
    path(P, views.period_detail, name="period"),
    path(P + "copy/", views.period_copy, name="period_copy"),
    path(P + "settings/", views.period_settings, name="period_settings"),
    path(P + "bands/", views.period_bands, name="period_bands"),
    path(P + "categories/", views.period_categories, name="period_categories"),
    path(P + "stages/", views.period_stages, name="period_stages"),
    path(P + "indicators/", views.period_indicators, name="period_indicators"),
    path(P + "indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path(P + "indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path(
        P + "indicators/<int:pk>/questions/new/", views.question_create, name="question_create"
    ),  # fmt: skip
    path(P + "questions/<int:pk>/", views.question_edit, name="question_edit"),
    path(P + "questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    path(P + "participants/", views.period_participants, name="period_participants"),
    path(
        P + "participants/<str:participant>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),  # fmt: skip
    path(P + "evaluators/", views.period_evaluators, name="period_evaluators"),
    path(P + "evaluators/<int:pk>/revoke/", views.evaluator_revoke, name="evaluator_revoke"),
    path(P + "open/", views.period_open, name="period_open"),
    path(P + "compute/", views.period_compute, name="period_compute"),
    path(P + "close/", views.period_close, name="period_close"),
    path(P + "publish/", views.period_publish, name="period_publish"),
    path(P + "results/", views.period_results, name="period_results"),
    path(P + "results.xlsx", views.results_xlsx, name="results_xlsx"),
    # A participant, by its token: the body's questionnaire and its evaluation.
    path("q/<str:token>/", views.questionnaire, name="questionnaire"),
    path("q/<str:token>/answers/<int:pk>/", views.answer_save, name="answer_save"),
    path("q/<str:token>/submit/", views.questionnaire_submit, name="questionnaire_submit"),
    path(
        "q/<str:token>/clarifications/<int:pk>/reply/",
        views.clarification_reply,
        name="clarification_reply",
    ),  # fmt: skip
    path(
        "q/<str:token>/answers/<int:pk>/objection/", views.objection_lodge, name="objection_lodge"
    ),  # fmt: skip
    path(
        "q/<str:token>/scoring-sheet.xlsx", views.scoring_sheet_xlsx, name="scoring_sheet_xlsx"
    ),  # fmt: skip
    path("e/<str:token>/", views.evaluate, name="evaluate"),
    path("e/<str:token>/answers/<int:pk>/verify/", views.answer_verify, name="answer_verify"),
    path(
        "e/<str:token>/answers/<int:pk>/clarify/",
        views.clarification_request,
        name="clarification_request",
    ),  # fmt: skip
    path(
        "e/<str:token>/objections/<int:pk>/decide/", views.objection_decide, name="objection_decide"
    ),  # fmt: skip
    path("e/<str:token>/panel/<str:stage>/", views.panel_score, name="panel_score"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("monev/", include((urlpatterns, app_name), namespace=app_name))]


class MonevMenuItem(MenuItem):
    def is_shown(self, request):
        return views.is_monev_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_monev_menu():
    return MonevMenuItem(_("Monev keterbukaan"), reverse("monev_admin:index"), name="monev",
                         icon_name="clipboard-list", order=170)  # fmt: skip
