from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "ppid.organizations"
    label = "organizations"
    verbose_name = _("Public bodies and PPID offices")
