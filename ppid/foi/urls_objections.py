"""The requester's objection pages (namespace "foi_objections", under the language prefixes;
see ppid/foi/urls.py). The tracking token appears only in the entry link; the pages after
it carry unguessable uids, never personal data or a registration number."""

from django.urls import path

from . import views_objections as views

urlpatterns = [
    path("permohonan/lacak/<str:token>/keberatan/", views.file_by_token, name="file"),
    path("permohonan/kasus/<uuid:uid>/keberatan/", views.objection_new, name="new"),
    path(
        "permohonan/kasus/<uuid:uid>/keberatan/<uuid:objection_uid>/",
        views.objection_detail,
        name="objection",
    ),
    path(
        "permohonan/kasus/<uuid:uid>/keberatan/<uuid:objection_uid>/tanggapan/",
        views.objection_reply,
        name="reply",
    ),
    path(
        "permohonan/kasus/<uuid:uid>/keberatan/<uuid:objection_uid>/surat/<uuid:letter_uid>/",
        views.objection_letter,
        name="letter",
    ),
]
