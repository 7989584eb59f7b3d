"""The one view behind /api/action/<name> and /api/3/action/<name> (ckan/views/api.py):
reads the parameters, authenticates a token, runs the action and wraps its result or its
error in CKAN's envelope with CKAN's status codes (modules.md §1.1-§1.2).

No cookies: a session would let any site read a staff member's drafts through JSONP, so
the views are csrf_exempt and know only API tokens (Authorization: <key> or Bearer <key>,
or X-CKAN-API-Key; ppid.core.tokens)."""

import json
import logging
import re

from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from ppid.core.tokens import token_authenticate

from . import actions
from .errors import ActionError, BadRequest, NotAuthorized
from .params import request_data

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/json;charset=utf-8"
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


def base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def help_url(request, name: str) -> str:
    return f"{base_url(request)}/api/3/action/help_show?name={name}"


def _bare(message: str, status: int = 400) -> HttpResponse:
    return HttpResponse(json.dumps(message), status=status, content_type=CONTENT_TYPE)


def _envelope(body: dict, status: int, callback: str | None = None) -> HttpResponse:
    text = json.dumps(body, ensure_ascii=False, default=str)
    if callback and status == 200:
        return HttpResponse(
            f"{callback}({text});", content_type="application/javascript;charset=utf-8"
        )
    return HttpResponse(text, status=status, content_type=CONTENT_TYPE)


def token_user(request):
    """The user of the API token sent, None without one; NotAuthorized for a bad one."""
    raw = request.headers.get("X-CKAN-API-Key") or request.headers.get("Authorization") or ""
    raw = raw.strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    if not raw:
        return None
    token = token_authenticate(raw)
    if token is None:
        raise NotAuthorized("the API token is not valid")
    return token.user


@csrf_exempt
def action(request, name: str, ver: str | None = None):
    if request.method not in ("GET", "POST"):
        return _bare("Bad request - Action only accepts GET or POST requests")
    fn = actions.ACTIONS.get(name)
    help_link = help_url(request, name)
    if fn is None:
        if actions.is_write_action(name):
            if request.method == "GET":
                return _bare(
                    "Bad request - JSON Error: Invalid request. Please use POST method for "
                    "your request"
                )
            try:
                actions.refuse_write(name)
            except NotAuthorized as exc:
                return _error(help_link, exc)
        return _bare(f"Bad request - Action name not known: {name[:100]}")
    try:
        data = request_data(request)
    except BadRequest as exc:
        return _bare(exc.message)
    callback = None
    if request.method == "GET":
        callback = data.pop("callback", None)
        data.pop("_", None)
        if isinstance(callback, list) or (callback and not _CALLBACK.match(callback)):
            callback = None
    try:
        from django.contrib.auth.models import AnonymousUser

        user = token_user(request) or AnonymousUser()
        result = fn(actions.Context(user=user, base_url=base_url(request)), data)
    except ActionError as exc:
        return _error(help_link, exc)
    except Http404:
        from .errors import NotFound

        return _error(help_link, NotFound())
    except Exception:
        log.exception("CKAN action %s failed", name)
        return _envelope(
            {
                "help": help_link,
                "success": False,
                "error": {"__type": "Internal Server Error", "message": "Internal Server Error"},
            },
            500,
        )
    return _envelope({"help": help_link, "success": True, "result": result}, 200, callback)


def _error(help_link: str, exc: ActionError) -> HttpResponse:
    return _envelope({"help": help_link, "success": False, "error": exc.error_dict()}, exc.status)


def api_root(request, ver: str | None = None):
    return HttpResponse(json.dumps({"version": 3}), content_type=CONTENT_TYPE)
