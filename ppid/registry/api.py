"""API of the public information registry (DIP): public search and reads of published
items, and token-authenticated staff reads and writes scoped like the back office."""

import datetime
import re
import uuid
from typing import Literal

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from ppid.core.tokens import IDEMPOTENCY_KEY_MAX_LENGTH, IdempotencyConflict, idempotent_call
from ppid.organizations.api import staff_auth
from ppid.organizations.models import Office

from . import access, services
from .models import Category, Document, InformationItem
from .queries import SORTS, ItemFilters, search_items

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
SLUG_PATTERN = r"^[-a-zA-Z0-9_]{0,120}$"
# Characters no text column may hold: PostgreSQL rejects NUL outright, and the others
# are never typed by a person. Tab and newlines stay (summaries have paragraphs).
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _max_length(name: str) -> int | None:
    return InformationItem._meta.get_field(name).max_length


# --- output ------------------------------------------------------------------------------


class Ref(Schema):
    slug: str
    name: str


class DocumentOut(Schema):
    title: str
    url: str
    content_type: str
    size: int


class LinkOut(Schema):
    title: str
    url: str


class ItemOut(Schema):
    """One DIP row with every F49 column."""

    id: uuid.UUID
    url: str
    title: str
    summary: str
    category: Category
    owner_unit: str
    responsible: str
    creation_time: str
    creation_place: str
    form_softcopy: bool
    form_hardcopy: bool
    retention: str
    media_type: str
    year: int
    status: str
    published_at: datetime.datetime | None
    last_reviewed: datetime.date | None
    next_review: datetime.date | None
    body: Ref
    office: Ref
    documents: list[DocumentOut]
    links: list[LinkOut]


class StaffItemOut(ItemOut):
    withdrawn_reason: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ItemPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ItemOut]


class StaffItemPage(ItemPage):
    results: list[StaffItemOut]


class ErrorOut(Schema):
    detail: str


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def _item_out(request, item: InformationItem, *, staff: bool = False) -> dict:
    # Public page URLs carry a language prefix; the API answers with the default
    # language's (unprefixed) URL whatever the client's Accept-Language.
    with translation.override(settings.LANGUAGE_CODE):
        documents = [
            {
                "title": d.title,
                "url": _absolute(request, d.get_absolute_url()),
                "content_type": d.content_type,
                "size": d.size,
            }
            for d in item.documents.all()
            if d.is_active and d.kind == Document.Kind.FILE
        ]
        page_url = _absolute(request, item.get_absolute_url())
    out = {
        "id": item.uid,
        "url": page_url,
        **{name: getattr(item, name) for name in services.ITEM_FIELDS},
        "status": item.status,
        "published_at": item.published_at,
        "last_reviewed": item.last_reviewed,
        "next_review": item.next_review,
        "body": {"slug": item.body.slug, "name": item.body.name},
        "office": {"slug": item.office.slug, "name": item.office.name},
        "documents": documents,
        "links": [
            {"title": d.title, "url": d.url}
            for d in item.documents.all()
            if d.is_active and d.kind == Document.Kind.LINK
        ],
    }
    if staff:
        out.update(
            withdrawn_reason=item.withdrawn_reason,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )
    return out


def _with_related(qs):
    return qs.select_related("body", "office").prefetch_related(
        Prefetch("documents", queryset=Document.objects.filter(is_active=True))
    )


# --- input -------------------------------------------------------------------------------


def _blank_to_none(value):
    # An empty form field (?year=) means "no filter", not an invalid value.
    return None if isinstance(value, str) and not value.strip() else value


class ItemQuery(Schema):
    q: str = Field("", description="Words to search for (Indonesian stemming).")
    body: str = Field("", pattern=SLUG_PATTERN, description="Slug of a public body.")
    office: str = Field("", pattern=SLUG_PATTERN, description="Slug of a PPID office.")
    category: Category | None = None
    year: int | None = Field(None, ge=1900, le=2100)
    sort: Literal[tuple(SORTS)] = "relevance"  # type: ignore[valid-type]
    page: int = Field(1, ge=1)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    _blanks = field_validator("category", "year", mode="before")(_blank_to_none)

    def to_filters(self) -> ItemFilters:
        return ItemFilters(
            q=self.q[:1000],
            body=self.body,
            office=self.office,
            category=self.category.value if self.category else "",
            year=self.year,
            sort=self.sort,
        )


class StaffItemQuery(ItemQuery):
    status: InformationItem.Status | None = None

    _status_blank = field_validator("status", mode="before")(_blank_to_none)


def _clean_text(value):
    if isinstance(value, str):
        if _FORBIDDEN_CHARS.search(value):
            raise ValueError("must not contain control characters")
        return value.strip()
    return value


class ItemFieldsIn(Schema):
    """The F49 columns an officer fills in. Business rules (required text, year range,
    at least one form) are the service's: the same for the web form, back office and API."""

    title: str = Field(max_length=_max_length("title"))
    summary: str = Field(max_length=20_000)
    category: Category
    owner_unit: str = Field(max_length=_max_length("owner_unit"))
    responsible: str = Field(max_length=_max_length("responsible"))
    creation_time: str = Field(max_length=_max_length("creation_time"))
    creation_place: str = Field(max_length=_max_length("creation_place"))
    form_softcopy: bool = True
    form_hardcopy: bool = False
    retention: str = Field(max_length=_max_length("retention"))
    media_type: str = Field("", max_length=_max_length("media_type"))
    year: int

    _text = field_validator("*", mode="before")(_clean_text)


class ItemCreateIn(ItemFieldsIn):
    office: str = Field(pattern=SLUG_PATTERN, description="Slug of the PPID office.")
    publish: bool = Field(False, description="Publish at once (serta merta items always are).")


class ItemPatchIn(Schema):
    """Only the fields sent are changed. `null` is refused: every F49 column has a value."""

    title: str = Field(None, max_length=_max_length("title"))
    summary: str = Field(None, max_length=20_000)
    category: Category = None
    owner_unit: str = Field(None, max_length=_max_length("owner_unit"))
    responsible: str = Field(None, max_length=_max_length("responsible"))
    creation_time: str = Field(None, max_length=_max_length("creation_time"))
    creation_place: str = Field(None, max_length=_max_length("creation_place"))
    form_softcopy: bool = None
    form_hardcopy: bool = None
    retention: str = Field(None, max_length=_max_length("retention"))
    media_type: str = Field(None, max_length=_max_length("media_type"))
    year: int = None
    reason: str = Field(
        "", max_length=2000, description="Why the row changed (kept in its history)."
    )

    _text = field_validator("*", mode="before")(_clean_text)


class WithdrawIn(Schema):
    reason: str = Field(max_length=2000)

    _text = field_validator("*", mode="before")(_clean_text)


# --- helpers -----------------------------------------------------------------------------


def _page(request, qs, query: ItemQuery, *, staff: bool = False) -> dict:
    count = qs.count()
    offset = (query.page - 1) * query.page_size
    # Past the last page there is nothing to fetch; checking first also keeps an absurd
    # page number from reaching the database as an out-of-range OFFSET.
    rows = list(_with_related(qs)[offset : offset + query.page_size]) if offset < count else []
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "results": [_item_out(request, item, staff=staff) for item in rows],
    }


def _staff_item(request, item_id: str) -> InformationItem:
    """An item the token's user may at least read; anything else is 404, like a missing one."""
    return access.item_for_staff(request.auth, _parse_uid(item_id))


def _parse_uid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError) as exc:
        raise Http404 from exc


def _staff_item_out(request, item: InformationItem) -> dict:
    fresh = _with_related(InformationItem.objects.filter(pk=item.pk)).get()
    return _item_out(request, fresh, staff=True)


# --- public ------------------------------------------------------------------------------

router = Router(tags=["information"])


@router.get(
    "/information",
    response={200: ItemPage},
    summary="Search published public information (DIP)",
)
def information_list(request, query: Query[ItemQuery]):
    result = search_items(query.to_filters(), facets=False)
    return _page(request, result.items, query)


@router.get(
    "/information/{item_id}",
    response={200: ItemOut, 404: ErrorOut},
    summary="One published information item",
)
def information_detail(request, item_id: str):
    item = access.item_for_public(_parse_uid(item_id))
    return _item_out(request, _with_related(InformationItem.objects.filter(pk=item.pk)).get())


# --- staff -------------------------------------------------------------------------------

# Staff operations share the public router (one URL pattern per path, so GET and PATCH of
# /information/{id} reach the same view) and carry their own token auth.
STAFF = {"auth": staff_auth, "tags": ["staff"]}

STAFF_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get(
    "/staff/information",
    **STAFF,
    response={200: StaffItemPage, **STAFF_ERRORS},
    summary="Items of the offices you are appointed to, drafts and withdrawn ones included",
)
def staff_information_list(request, query: Query[StaffItemQuery]):
    base = access.items_for_staff(request.auth)
    if query.status:
        base = base.filter(status=query.status)
    result = search_items(query.to_filters(), base=base, facets=False)
    return _page(request, result.items, query, staff=True)


@router.get(
    "/staff/information/{item_id}",
    **STAFF,
    response={200: StaffItemOut, **STAFF_ERRORS},
    summary="One item of your offices, whatever its status",
)
def staff_information_detail(request, item_id: str):
    return _staff_item_out(request, _staff_item(request, item_id))


@router.post(
    "/information",
    **STAFF,
    response={201: StaffItemOut, 409: ErrorOut, **STAFF_ERRORS},
    summary="Add an item to an office's DIP (draft unless published at once)",
)
def information_create(
    request,
    payload: ItemCreateIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX_LENGTH,
        description="Send the same key again to retry safely: the first result is returned "
        "and nothing new is created.",
    ),
):
    user = request.auth
    data = payload.model_dump(mode="json")
    office_slug, publish = data.pop("office"), data.pop("publish")

    def create() -> tuple[int, dict]:
        office = Office.objects.filter(slug=office_slug).first()
        if office is None:
            raise Http404
        item = services.item_create(user=user, office=office, fields=data, publish=publish)
        body = StaffItemOut.model_validate(_staff_item_out(request, item)).model_dump(mode="json")
        return 201, body

    if not idempotency_key:
        return Status(*create())
    try:
        return Status(
            *idempotent_call(
                user=user,
                key=idempotency_key,
                scope="registry.information.create",
                payload=payload.model_dump(mode="json"),
                action=create,
            )
        )
    except IdempotencyConflict as exc:
        raise HttpError(
            409, _("This Idempotency-Key was already used for a different request.")
        ) from exc


@router.patch(
    "/information/{item_id}",
    **STAFF,
    response={200: StaffItemOut, **STAFF_ERRORS},
    summary="Change an item's F49 columns",
)
def information_update(request, item_id: str, payload: ItemPatchIn):
    item = _staff_item(request, item_id)
    fields = payload.model_dump(mode="json", exclude_unset=True)
    reason = fields.pop("reason", "")
    item = services.item_update(user=request.auth, item=item, fields=fields, reason=reason)
    return _staff_item_out(request, item)


@router.post(
    "/information/{item_id}/publish",
    **STAFF,
    response={200: StaffItemOut, **STAFF_ERRORS},
    summary="Publish a draft or withdrawn item",
)
def information_publish(request, item_id: str):
    item = services.item_publish(user=request.auth, item=_staff_item(request, item_id))
    return _staff_item_out(request, item)


@router.post(
    "/information/{item_id}/withdraw",
    **STAFF,
    response={200: StaffItemOut, **STAFF_ERRORS},
    summary="Withdraw a published item, giving the reason",
)
def information_withdraw(request, item_id: str, payload: WithdrawIn):
    item = services.item_withdraw(
        user=request.auth, item=_staff_item(request, item_id), reason=payload.reason
    )
    return _staff_item_out(request, item)
