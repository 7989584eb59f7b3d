"""Each staff member's API tokens in Wagtail's admin (the tokens themselves: core.tokens)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views as views
from .access import is_staff_member

app_name = "tokens_admin"
urlpatterns = [
    path("", views.token_list, name="token_list"),
    path("<uuid:uid>/revoke/", views.token_revoke_view, name="token_revoke"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("api-tokens/", include((urlpatterns, app_name), namespace=app_name))]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_staff_member(request.user)


@hooks.register("register_admin_menu_item")
def register_token_menu_item():
    return StaffMenuItem(
        _("API tokens"), reverse("tokens_admin:token_list"), icon_name="key", order=900
    )
