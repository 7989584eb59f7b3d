"""Public pages of the request service, in three namespaces owned by three modules."""

from django.urls import include, path

urlpatterns = [
    # Request form, confirmation, tracking, "my requests", survey, handover download.
    path("", include(("ppid.foi.urls_public", "foi"), namespace="foi")),
    # Objection form and its receipt.
    path("", include(("ppid.foi.urls_objections", "foi_objections"), namespace="foi_objections")),
    # Public statistics (UU Pasal 12).
    path("", include(("ppid.foi.urls_reports", "foi_reports"), namespace="foi_reports")),
]
