"""The JSON API (django-ninja): OpenAPI 3 at /api/v1/openapi.json, docs at /api/v1/docs.

Every error answers JSON {"detail": "<message>", "errors": [...]}: 400 for a request the
services refuse, 401 without a valid token, 404 for what is missing *or not yours* (the
same answer, STYLE.md §3), 422 for parameters of the wrong type or range. Never a 5xx.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from ppid.core.api_calendar import router as calendar_router
from ppid.foi.api import router as foi_router
from ppid.monev.api import router as monev_router
from ppid.organizations.api import router as organizations_router
from ppid.registry.api import router as registry_router

api = NinjaAPI(
    title="PPID Terpadu API",
    version="1",
    description=(
        "Public information registry of Kalteng's public bodies, and staff write endpoints. "
        "Staff endpoints take `Authorization: Bearer <key>` (create a key with "
        "`manage.py create_api_token <username> <name>`)."
    ),
    urls_namespace="api",
    # Served from our own static files (ninja is in INSTALLED_APPS); no validator badge,
    # which would call out to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)


_LOCATIONS = {"query", "path", "header", "cookie", "body", "form", "file"}


def _field_name(loc) -> str:
    # ("query", "page_size") -> "page_size"; ("body", "payload", "title") -> "title"
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
        if parts[:1] == ["payload"] and len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or "request"


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    # Only location, message and type go back: pydantic's `input` would echo hostile
    # input and its `ctx` may hold objects JSON cannot carry.
    errors = [
        {
            "loc": list(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    detail = "; ".join(f"{_field_name(e['loc'])}: {e['msg']}" for e in errors)
    return api.create_response(
        request, {"detail": detail or _("Invalid request."), "errors": errors}, status=422
    )


@api.exception_handler(DjangoValidationError)
def service_validation_error(request, exc: DjangoValidationError):
    """A service refused the request (a business rule): 400 with its messages."""
    if hasattr(exc, "error_dict"):
        errors = [
            {"loc": ["body", field], "msg": str(message), "type": "invalid"}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"loc": [], "msg": str(m), "type": "invalid"} for m in exc.messages]
    detail = "; ".join(
        f"{e['loc'][-1]}: {e['msg']}" if e["loc"] and e["loc"][-1] != "__all__" else e["msg"]
        for e in errors
    )
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(PermissionDenied)
@api.exception_handler(Http404)
def not_found(request, exc):
    """Another office's record answers exactly like a missing one."""
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = api.create_response(
        request,
        {"detail": _("Send a valid API token: Authorization: Bearer <key>.")},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


api.add_router("", organizations_router)
api.add_router("", registry_router)
api.add_router("/calendar", calendar_router)
api.add_router("", foi_router)
api.add_router("/monev", monev_router)
