from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonevConfig(AppConfig):
    name = "ppid.monev"
    label = "monev"
    verbose_name = _("Openness monitoring and evaluation")
    default_auto_field = "django.db.models.BigAutoField"
