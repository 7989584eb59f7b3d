"""The citizen's pages (namespace "foi", under the language prefixes; see ppid/foi/urls.py).
URLs carry an unguessable uid or token, never personal data or a registration number."""

from django.urls import path

from . import views_public as views

urlpatterns = [
    path("permohonan/ajukan/", views.request_new, name="submit"),
    path("permohonan/diterima/<uuid:uid>/", views.request_submitted, name="submitted"),
    path("permohonan/lacak/", views.track, name="track"),
    path("permohonan/lacak/<str:token>/", views.track_token, name="track_token"),
    path("permohonan/kasus/<uuid:uid>/", views.case_detail, name="case"),
    path("permohonan/kasus/<uuid:uid>/batalkan/", views.case_withdraw, name="withdraw"),
    path("permohonan/kasus/<uuid:uid>/survei/", views.case_survey, name="survey"),
    path(
        "permohonan/kasus/<uuid:uid>/surat/<uuid:letter_uid>/",
        views.case_letter,
        name="letter",
    ),
    path(
        "permohonan/kasus/<uuid:uid>/salinan/<int:pk>/",
        views.case_handover,
        name="handover",
    ),
    path("permohonan/saya/", views.my_requests, name="my_requests"),
    path("unduh/<str:token>/", views.handover_download, name="handover_download"),
    path("akun/daftar/", views.signup, name="signup"),
    path("akun/masuk/", views.signin, name="login"),
    path("akun/keluar/", views.signout, name="logout"),
]
