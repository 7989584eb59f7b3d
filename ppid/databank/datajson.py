"""/data.json: the public catalogue in Project Open Data 1.1 (DCAT-US 1.1), non-federal
schema (modules.md §2.3), for harvesters that read data.json (ckanext-datajson, data.gov
style aggregators). Every published, non-private dataset, newest first.

The whole catalogue is one document (100,000 datasets make about 150 MB, 13 s to build):
it is built by a task (datajson_rebuild) into a file in private storage and streamed from
there, never built while a client waits, except once on a new installation before any
build. A request that finds the catalogue changed since the last build is answered with
that build and enqueues a new one (stale while it is rebuilt, like a harvester's cache).
Addresses inside the document are absolute, from settings.SITE_URL.
"""

import json
import secrets
import tempfile

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.http import FileResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import http_date

from ppid.core.storage import private_storage

from . import search
from .ckan import dicts
from .dcat import province_name
from .models import Dataset, Licence, Resource

CONFORMS_TO = "https://project-open-data.cio.gov/v1.1/schema"
CONTEXT = "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
DESCRIBED_BY = "https://project-open-data.cio.gov/v1.1/schema/catalog.json"
PERIODICITY = {
    "tahunan": "R/P1Y",
    "semesteran": "R/P6M",
    "triwulanan": "R/P3M",
    "bulanan": "R/P1M",
}
# Where the last build is: {"name": file in private storage, "token": the search version
# it was built for, "built_at": epoch seconds}. Kept without expiry.
CURRENT_KEY = "databank:datajson:current"
BUILDING_KEY = "databank:datajson:building"
BUILD_LOCK_SECONDS = 15 * 60
STORAGE_DIR = "databank/datajson"
DATASET_COLUMNS = (
    "id", "name", "title", "notes", "modified_at", "published_at", "created_at",
    "walidata", "maintainer", "maintainer_email", "author_email", "frekuensi",
    "kode_wilayah", "tahun_data", "licence_id", "organization__name", "organization__email",
)  # fmt: skip
RESOURCE_COLUMNS = (
    "id", "dataset_id", "name", "description", "format", "mimetype", "url", "file",
)  # fmt: skip


def _utc(moment) -> str:
    return dicts.iso(moment).split(".")[0] + "Z"


def _download_url(base: str, dataset_id, resource_id, file_name: str, url: str) -> str:
    if not file_name:
        return url
    filename = file_name.rsplit("/", 1)[-1]
    args = [dataset_id, resource_id, filename]
    try:
        path = reverse("databank_download", args=args)
    except NoReverseMatch:
        path = f"/dataset/{dataset_id}/resource/{resource_id}/download/{filename}"
    return base + path


def _dataset_path(name: str) -> str:
    try:
        return reverse("databank:dataset", args=[name])
    except NoReverseMatch:
        return f"/dataset/{name}"


def entry_from_values(
    row: dict, *, tags: list, groups: list, resources: list, licence_url: str, base: str,
    province: str,
) -> dict:  # fmt: skip
    """One dataset of the catalogue from its column values (DATASET_COLUMNS), its tag
    names, group titles and active resources (RESOURCE_COLUMNS)."""
    organization = row["organization__name"]
    contact = {
        "@type": "vcard:Contact",
        "fn": row["walidata"] or row["maintainer"] or organization,
    }
    email = row["maintainer_email"] or row["author_email"] or row["organization__email"]
    if email:
        contact["hasEmail"] = f"mailto:{email}"
    entry = {
        "@type": "dcat:Dataset",
        "identifier": f"{base}/dataset/{row['id']}",
        "title": row["title"],
        "description": row["notes"] or row["title"],
        "keyword": tags or groups or [organization],
        "modified": _utc(row["modified_at"]),
        "issued": _utc(row["published_at"] or row["created_at"]),
        "publisher": {
            "@type": "org:Organization",
            "name": organization,
            "subOrganizationOf": {"@type": "org:Organization", "name": province},
        },
        "contactPoint": contact,
        "accessLevel": "public",
        "language": ["id"],
        "landingPage": base + _dataset_path(row["name"]),
        "accrualPeriodicity": PERIODICITY.get(row["frekuensi"], "irregular"),
    }
    if licence_url:
        entry["license"] = licence_url
    if row["kode_wilayah"]:
        entry["spatial"] = row["kode_wilayah"]
    if row["tahun_data"]:
        entry["temporal"] = f"{row['tahun_data']}-01-01/{row['tahun_data']}-12-31"
    if groups:
        entry["theme"] = groups
    distributions = []
    for resource in resources:
        url = _download_url(base, row["id"], resource["id"], resource["file"], resource["url"])
        if not url:
            continue
        dist = {
            "@type": "dcat:Distribution",
            "title": resource["name"] or resource["format"] or url,
        }
        if resource["description"]:
            dist["description"] = resource["description"]
        if resource["mimetype"]:
            # With downloadURL the media type is required (the schema's dependency).
            dist["downloadURL"] = url
            dist["mediaType"] = resource["mimetype"]
        else:
            dist["accessURL"] = url
        if resource["format"]:
            dist["format"] = resource["format"]
        distributions.append(dist)
    if distributions:
        entry["distribution"] = distributions
    return entry


def dataset_entry(dataset, *, base: str, province: str) -> dict:
    """One dataset (a model instance) as a data.json entry."""
    row = {column: None for column in DATASET_COLUMNS}
    for column in DATASET_COLUMNS:
        if column.startswith("organization__"):
            row[column] = getattr(dataset.organization, column.split("__", 1)[1])
        else:
            row[column] = getattr(dataset, column)
    resources = [
        {"id": r.pk, "dataset_id": r.dataset_id, "name": r.name, "description": r.description,
         "format": r.format, "mimetype": r.mimetype, "url": r.url, "file": r.file.name or ""}
        for r in dataset.resources.all()
        if r.state == Resource.State.ACTIVE
    ]  # fmt: skip
    return entry_from_values(
        row,
        tags=sorted(t.name for t in dataset.tags.all()),
        groups=sorted(g.title for g in dataset.groups.all()),
        resources=resources,
        licence_url=dataset.licence.url,
        base=base,
        province=province,
    )


def catalog(*, base: str) -> dict:
    province = province_name()
    public = Dataset.objects.filter(status=Dataset.Status.PUBLISHED, private=False)
    rows = list(public.order_by("-modified_at", "-seq").values(*DATASET_COLUMNS))
    tags: dict = {}
    for dataset_id, name in (
        Dataset.tags.through.objects.filter(dataset__in=public)
        .order_by("tag__name")
        .values_list("dataset_id", "tag__name")
    ):
        tags.setdefault(dataset_id, []).append(name)
    groups: dict = {}
    for dataset_id, title in (
        Dataset.groups.through.objects.filter(dataset__in=public)
        .order_by("group__title")
        .values_list("dataset_id", "group__title")
    ):
        groups.setdefault(dataset_id, []).append(title)
    resources: dict = {}
    for resource in (
        Resource.objects.filter(dataset__in=public, state=Resource.State.ACTIVE)
        .order_by("position", "created_at")
        .values(*RESOURCE_COLUMNS)
    ):
        resources.setdefault(resource["dataset_id"], []).append(resource)
    licences = dict(Licence.objects.values_list("id", "url"))
    return {
        "@context": CONTEXT,
        "@id": f"{base}/data.json",
        "@type": "dcat:Catalog",
        "conformsTo": CONFORMS_TO,
        "describedBy": DESCRIBED_BY,
        "dataset": [
            entry_from_values(
                row,
                tags=tags.get(row["id"], []),
                groups=groups.get(row["id"], []),
                resources=resources.get(row["id"], []),
                licence_url=licences.get(row["licence_id"], ""),
                base=base,
                province=province,
            )
            for row in rows
        ],
    }


def datajson_build() -> dict:
    """Build the document for the catalogue as it is now, store it and make it current;
    returns the new current record. Older builds are removed once it is current."""
    token = search._token()
    base = settings.SITE_URL.rstrip("/")
    with tempfile.TemporaryFile() as scratch:
        text = json.dumps(catalog(base=base), ensure_ascii=False)
        scratch.write(text.encode())
        del text
        scratch.seek(0)
        name = private_storage.save(
            f"{STORAGE_DIR}/data-{secrets.token_hex(8)}.json", File(scratch)
        )
    previous = cache.get(CURRENT_KEY)
    current = {"name": name, "token": token, "built_at": int(timezone.now().timestamp())}
    cache.set(CURRENT_KEY, current, None)
    if previous and previous.get("name") != name:
        private_storage.delete(previous["name"])
    return current


def datajson_refresh() -> str:
    """The task's work: build unless the current build is of the current catalogue or
    another build is running. Safe to run twice."""
    current = cache.get(CURRENT_KEY)
    if current and current.get("token") == search._token():
        return "current"
    if not cache.add(BUILDING_KEY, 1, BUILD_LOCK_SECONDS):
        return "building elsewhere"
    try:
        datajson_build()
    finally:
        cache.delete(BUILDING_KEY)
    return "built"


def _current() -> dict | None:
    current = cache.get(CURRENT_KEY)
    if current and private_storage.exists(current["name"]):
        return current
    return None


def data_json_view(request):
    current = _current()
    if current is None:
        # A new installation (or a lost cache): the only build made while a client waits.
        current = datajson_build()
    elif current["token"] != search._token():
        from .tasks import datajson_rebuild

        # One task per catalogue version, however many clients ask meanwhile.
        if cache.add(f"databank:datajson:queued:{search._token()}", 1, BUILD_LOCK_SECONDS):
            datajson_rebuild.enqueue()
        current = _current() or current
    response = FileResponse(
        private_storage.open(current["name"], "rb"),
        content_type="application/json; charset=utf-8",
    )
    response["Last-Modified"] = http_date(current["built_at"])
    return response
