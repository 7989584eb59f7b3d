"""Public monev pages and downloads (under the language prefix: Indonesian unprefixed,
English at /en/). A period is addressed by its year: at most one published period a year."""

from django.urls import path

from . import views

app_name = "monev"
urlpatterns = [
    path("monev/", views.periods, name="periods"),
    path("monev/badan/<slug:body_slug>/", views.body_history, name="body_history"),
    path("monev/<int:year>/", views.ranking, name="ranking"),
    path("monev/<int:year>/hasil.xlsx", views.results_xlsx, name="results_xlsx"),
    path("monev/<int:year>/<slug:body_slug>/", views.participant, name="participant"),
    path("monev/<int:year>/<slug:body_slug>/sertifikat.pdf", views.certificate,
         name="certificate"),
    path("monev/<int:year>/<slug:body_slug>/lembar-penilaian.xlsx", views.scoring_sheet,
         name="scoring_sheet"),
]  # fmt: skip
