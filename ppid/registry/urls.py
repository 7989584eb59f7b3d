from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("informasi/<uuid:uid>/", views.item_detail, name="item"),
    path("dokumen/<uuid:uid>/", views.document_download, name="document"),
    path("badan/<slug:slug>/", views.body_detail, name="body"),
]
