"""API: public bodies with their PPID offices, and the staff token authentication every
staff endpoint uses (a token acts with its user's current appointments, F48)."""

import datetime
import re
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from ppid.core.tokens import token_authenticate

from .access import is_staff_member
from .models import Body, Office

SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,120}")


class StaffTokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`. Tokens only: the API never acts on a session cookie,
    so a logged-in browser cannot be made to write through it (no CSRF exposure)."""

    def authenticate(self, request, token: str):
        api_token = token_authenticate(token)
        if api_token is None:
            return None  # ninja answers 401
        user = api_token.user
        if not is_staff_member(user):
            # The key is genuine but its user's appointment has ended (F48): say so,
            # rather than pretending the key is wrong.
            raise AuthorizationError(message=_("This token's user holds no current appointment."))
        request.api_token = api_token
        return user


staff_auth = StaffTokenAuth()


class OfficeOut(Schema):
    slug: str
    name: str
    kind: str
    parent: str | None  # slug of the coordinating PPID Utama
    address: str
    phone: str
    email: str
    service_hours: str
    active_from: datetime.date | None
    active_to: datetime.date | None


class BodyOut(Schema):
    slug: str
    name: str
    short_name: str
    kind: str
    parent: str | None  # slug of the parent body
    code: str
    address: str
    phone: str
    email: str
    website: str
    latitude: Decimal | None
    longitude: Decimal | None
    offices: list[OfficeOut]


def _office_out(office: Office) -> dict:
    return {
        "slug": office.slug,
        "name": office.name,
        "kind": office.kind,
        "parent": office.parent.slug if office.parent_id else None,
        "address": office.address,
        "phone": office.phone,
        "email": office.email,
        "service_hours": office.service_hours,
        "active_from": office.active_from,
        "active_to": office.active_to,
    }


def _body_out(body: Body) -> dict:
    return {
        "slug": body.slug,
        "name": body.name,
        "short_name": body.short_name,
        "kind": body.kind,
        "parent": body.parent.slug if body.parent_id else None,
        "code": body.code,
        "address": body.address,
        "phone": body.phone,
        "email": body.email,
        "website": body.website,
        "latitude": body.latitude,
        "longitude": body.longitude,
        "offices": [_office_out(o) for o in body.offices.all()],
    }


def _bodies():
    return Body.objects.select_related("parent").prefetch_related(
        Prefetch("offices", queryset=Office.objects.select_related("parent").order_by("name", "pk"))
    )


router = Router(tags=["bodies"])


@router.get("/bodies", response=list[BodyOut], summary="Public bodies with their PPID offices")
def body_list(request):
    return [_body_out(b) for b in _bodies().order_by("name", "pk")]


@router.get("/bodies/{slug}", response=BodyOut, summary="One public body with its PPID offices")
def body_detail(request, slug: str):
    # A malformed slug (a NUL byte breaks PostgreSQL) is simply not found.
    body = _bodies().filter(slug=slug).first() if SLUG_RE.fullmatch(slug) else None
    if body is None:
        raise Http404
    return _body_out(body)
