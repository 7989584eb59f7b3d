"""Public statistics of the information service (UU 14/2008 Pasal 12, F14); see urls.py."""

from django.urls import path

from . import views_reports as views

urlpatterns = [
    path("statistik-layanan/", views.statistics_all, name="statistics"),
    path("statistik-layanan/<slug:slug>/", views.statistics_body, name="statistics_body"),
]
