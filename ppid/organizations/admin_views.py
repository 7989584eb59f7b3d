"""The staff member's own API tokens, in Wagtail's admin: create (the key is shown once),
list, revoke. Every staff member manages only his own tokens; another's answers 404."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ppid.core.models import ApiToken
from ppid.core.tokens import token_create, token_revoke

from .access import is_staff_member


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name (what the token is for)"),
        max_length=100,
        help_text=gettext_lazy("For example: the agency's website, a reporting script."),
    )


def _require_staff(request):
    if not is_staff_member(request.user):
        raise Http404


@require_http_methods(["GET", "POST"])
def token_list(request):
    _require_staff(request)
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = token_create(user=request.user, name=form.cleaned_data["name"].strip())
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "organizations/admin/token_list.html",
        {
            "page_title": _("API tokens"),
            "header_icon": "key",
            "tokens": tokens,
            "form": form,
            "new_key": new_key,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_POST
def token_revoke_view(request, uid):
    _require_staff(request)
    token = ApiToken.objects.filter(user=request.user, uid=uid).first()
    if token is None:
        raise Http404
    if token.revoked_at is None:
        token_revoke(token=token)
        messages.success(request, _("The token was revoked: it no longer works."))
    return redirect("tokens_admin:token_list")
