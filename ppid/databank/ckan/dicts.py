"""CKAN's dict shapes (ckan/lib/dictization/model_dictize.py; modules.md §1.6) built from our
models: package, resource, organization (an agency, organizations.Body), group (a theme),
tag and licence dicts. The Satu Data fields are top-level keys and are mirrored into
`extras` for old clients. Every function takes objects already loaded with their related
rows (search.dataset_queryset) so that a page of results costs a few queries in all."""

import datetime

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# Satu Data Indonesia fields (modules.md §2.1): top-level keys and extras.
SATU_DATA_FIELDS = (
    "walidata",
    "pembina_data",
    "kode_wilayah",
    "tingkat_penyajian",
    "tahun_data",
    "periode",
    "frekuensi",
    "satuan",
    "konsep",
    "definisi",
    "metode_perhitungan",
    "interpretasi",
    "klasifikasi_penyajian",
    "sumber_data",
    "kegiatan_statistik",
)
CKAN_VERSION = "2.11.3"


def base(base_url: str | None) -> str:
    return (base_url or settings.SITE_URL).rstrip("/")


def iso(moment) -> str | None:
    """CKAN's timestamps: ISO 8601 in UTC without a zone."""
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
        return moment.isoformat()
    return moment.isoformat()


def _reverse(name: str, args, fallback: str) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def dataset_path(dataset) -> str:
    return _reverse("databank:dataset", [dataset.name], f"/dataset/{dataset.name}")


def resource_download_url(resource, base_url: str | None = None) -> str:
    """An upload's absolute, counted download address; a link's own address."""
    if not resource.file:
        return resource.url
    args = [resource.dataset_id, resource.pk, resource.filename]
    return base(base_url) + reverse("databank_download", args=args)


def resource_dict(resource, *, base_url: str | None = None) -> dict:
    return {
        "id": str(resource.pk),
        "package_id": str(resource.dataset_id),
        "url": resource_download_url(resource, base_url),
        "url_type": "upload" if resource.file else None,
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "mimetype": resource.mimetype or None,
        "mimetype_inner": None,
        "size": resource.size,
        "hash": resource.hash,
        "position": resource.position,
        "resource_type": None,
        "state": resource.state,
        "created": iso(resource.created_at),
        "last_modified": iso(resource.modified_at),
        "metadata_modified": iso(resource.modified_at),
        "cache_url": None,
        "cache_last_updated": None,
        "datastore_active": resource.datastore_active,
        "row_count": resource.row_count,
        "download_count": resource.download_count,
    }


def tag_dict(tag) -> dict:
    return {
        "id": str(tag.pk),
        "name": tag.name,
        "display_name": tag.name,
        "state": "active",
        "vocabulary_id": None,
    }


def organization_dict(
    body,
    *,
    package_count: int | None = None,
    base_url: str | None = None,
    include_extras: bool = False,
    packages: list | None = None,
) -> dict:
    """An agency as a CKAN organization: `name` is its slug, `id` its key."""
    out = {
        "id": str(body.pk),
        "name": body.slug,
        "title": body.name,
        "display_name": body.name or body.slug,
        "type": "organization",
        "is_organization": True,
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": iso(body.created_at),
        "approval_status": "approved",
        "state": "active",
        "package_count": package_count if package_count is not None else 0,
        "num_followers": 0,
    }
    if include_extras:
        out["extras"] = [
            {"key": key, "value": str(value)}
            for key, value in (
                ("short_name", body.short_name),
                ("kind", body.kind),
                ("code", body.code),
                ("website", body.website),
                ("email", body.email),
                ("address", body.address),
            )
            if value
        ]
    if packages is not None:
        out["packages"] = packages
    return out


def group_dict(
    group,
    *,
    package_count: int | None = None,
    base_url: str | None = None,
    include_extras: bool = False,
    packages: list | None = None,
) -> dict:
    image = ""
    if group.image:
        try:
            image = base(base_url) + group.image.url
        except ValueError:
            image = ""
    out = {
        "id": str(group.pk),
        "name": group.name,
        "title": group.title,
        "display_name": group.title or group.name,
        "type": "group",
        "is_organization": False,
        "description": group.description,
        "image_url": image,
        "image_display_url": image,
        "created": iso(group.created_at),
        "approval_status": "approved",
        "state": "active",
        "package_count": package_count if package_count is not None else 0,
        "num_followers": 0,
    }
    if include_extras:
        out["extras"] = []
    if packages is not None:
        out["packages"] = packages
    return out


def licence_dict(licence) -> dict:
    return {
        "id": licence.id,
        "title": licence.title,
        "url": licence.url,
        "od_conformance": licence.od_conformance,
        "osd_conformance": licence.osd_conformance,
        "is_okd_compliant": licence.od_conformance == "approved",
        "is_osi_compliant": licence.osd_conformance == "approved",
        "is_generic": False,
        "family": "",
        "maintainer": "",
        "status": "active",
    }


def package_dict(dataset, *, base_url: str | None = None) -> dict:
    """A dataset as CKAN's package dict. Groups, tags, indicators and resources are read
    through .all() so that prefetched rows are used (search.dataset_queryset)."""
    organization = dataset.organization
    licence = dataset.licence
    resources = [
        r for r in dataset.resources.all() if r.state == "active"
    ]  # prefetched: active only
    tags = sorted(dataset.tags.all(), key=lambda t: t.name)
    groups = sorted(dataset.groups.all(), key=lambda g: g.name)
    satu = {name: getattr(dataset, name) for name in SATU_DATA_FIELDS}
    satu["produsen_data"] = organization.name
    extras = [
        {"key": key, "value": "" if value is None else str(value)}
        for key, value in sorted(satu.items())
        if value not in (None, "")
    ]
    out = {
        "id": str(dataset.pk),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "url": dataset.url,
        "version": dataset.version,
        "author": dataset.author,
        "author_email": dataset.author_email,
        "maintainer": dataset.maintainer,
        "maintainer_email": dataset.maintainer_email,
        "license_id": licence.id,
        "license_title": licence.title,
        "license_url": licence.url,
        "isopen": licence.is_open,
        "type": "dataset",
        "owner_org": str(organization.pk),
        "creator_user_id": str(dataset.created_by_id) if dataset.created_by_id else None,
        "private": dataset.private,
        "state": dataset.state,
        "metadata_created": iso(dataset.created_at),
        "metadata_modified": iso(dataset.modified_at),
        "num_resources": len(resources),
        "num_tags": len(tags),
        "organization": organization_dict(organization, base_url=base_url),
        "groups": [group_dict(g, base_url=base_url) for g in groups],
        "tags": [tag_dict(t) for t in tags],
        "resources": [resource_dict(r, base_url=base_url) for r in resources],
        "extras": extras,
        "relationships_as_subject": [],
        "relationships_as_object": [],
        "indicators": [
            {
                "name": i.name,
                "definition": i.definition,
                "unit": i.unit,
                "formula": i.formula,
            }
            for i in sorted(dataset.indicators.all(), key=lambda i: (i.position, i.pk))
        ],
        "landing_page": base(base_url) + dataset_path(dataset),
    }
    for key, value in satu.items():
        out[key] = value
    if dataset.harvest_source_id:
        out["harvest_source_id"] = str(dataset.harvest_source_id)
        out["harvest_remote_id"] = dataset.harvest_remote_id
    return out
