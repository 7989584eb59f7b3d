"""The e-mail outbox in Wagtail's back office (DESIGN.md: notifications are "visible to
officers"): the list of outgoing mails with their status, attempts and last error, one
message, and "retry now".

Superusers see every message, a PPID Utama officer those of the offices under his Utama
(ppid.core.outbox.messages_visible_to); every other user gets 404 on every URL (Wagtail
sends anonymous users to the login page first). Private tokens in the mails' links are
cut out before display.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ppid.organizations.access import has_office
from ppid.organizations.models import Role

from .models import OutboxMessage
from .outbox import messages_visible_to, outbox_retry, redact_tokens

PAGE_SIZE = 25


def can_view_outbox(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return has_office(user, [Role.PPID_UTAMA])


def _scope(user):
    if not can_view_outbox(user):
        raise Http404
    return messages_visible_to(user)


def _message(user, uid) -> OutboxMessage:
    message = _scope(user).select_related("office", "content_type").filter(uid=uid).first()
    if message is None:
        raise Http404
    return message


def outbox_index(request):
    scope = _scope(request.user)
    status = request.GET.get("status", "")
    if status not in OutboxMessage.Status.values:
        status = ""
    rows = scope.select_related("office").order_by("-created_at", "-id")
    if status:
        rows = rows.filter(status=status)
    counts = dict(scope.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("p"))
    return render(
        request,
        "core/outbox/index.html",
        {
            "page_title": _("Outgoing e-mails"),
            "header_icon": "mail",
            "page_obj": page,
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0))
                for value, label in OutboxMessage.Status.choices
            ],
            "query_string": f"status={status}" if status else "",
            "delivery": settings.OUTBOX_DELIVERY,
        },
    )


def outbox_detail(request, uid):
    message = _message(request.user, uid)
    return render(
        request,
        "core/outbox/detail.html",
        {
            "page_title": message.subject,
            "header_icon": "mail",
            "message": message,
            "body": redact_tokens(message.body),
            "can_retry": message.status != OutboxMessage.Status.SENT,
            "delivery": settings.OUTBOX_DELIVERY,
        },
    )


@require_POST
def outbox_retry_view(request, uid):
    message = _message(request.user, uid)
    try:
        outbox_retry(message, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The message is queued to be sent again now."))
    return redirect("outbox_admin:detail", uid=message.uid)


app_name = "outbox_admin"
urlpatterns = [
    path("", outbox_index, name="index"),
    path("<uuid:uid>/", outbox_detail, name="detail"),
    path("<uuid:uid>/retry/", outbox_retry_view, name="retry"),
]


@hooks.register("register_admin_urls")
def register_outbox_urls():
    return [path("outbox/", include((urlpatterns, app_name), namespace=app_name))]


class OutboxMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_outbox(request.user)


@hooks.register("register_admin_menu_item")
def register_outbox_menu():
    return OutboxMenuItem(
        gettext_lazy("Outgoing e-mails"),
        reverse("outbox_admin:index"),
        name="outbox",
        icon_name="mail",
        order=810,
    )
