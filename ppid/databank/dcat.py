"""DCAT export of the data bank, mirroring ckanext-dcat's endpoints so that harvesters work
(modules.md §2.2): /catalog.<fmt> (100 datasets a page, hydra paging, modified_since, q and
fq as package_search) and /dataset/<id-or-name>.<fmt>, in Turtle, RDF/XML, N3 and JSON-LD,
built with rdflib. URIs follow ckanext-dcat's defaults and are stable identifiers:
catalogue <base>/, dataset <base>/dataset/<id>, distribution
<base>/dataset/<id>/resource/<rid>.
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, XSD

from ppid.organizations.models import Body

from . import search
from .ckan import dicts
from .ckan.errors import ActionError
from .ckan.fq import parse_datetime

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
IANA = "https://www.iana.org/assignments/media-types/"
PER_PAGE = 100

FREQUENCIES = {
    "tahunan": "ANNUAL",
    "semesteran": "ANNUAL_2",
    "triwulanan": "QUARTERLY",
    "bulanan": "MONTHLY",
    "tidak_tetap": "IRREG",
}
FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "xml": ("xml", "application/rdf+xml"),
    "rdf": ("xml", "application/rdf+xml"),
    "n3": ("n3", "text/n3"),
    "jsonld": ("json-ld", "application/ld+json"),
}
CONTEXT = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "hydra": str(HYDRA),
    "spdx": str(SPDX),
    "owl": str(OWL),
    "xsd": str(XSD),
    "adms": str(ADMS),
}


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, uri in CONTEXT.items():
        graph.bind(prefix, Namespace(uri))
    graph.bind("rdf", RDF)
    return graph


def _dt(moment) -> Literal:
    return Literal(dicts.iso(moment), datatype=XSD.dateTime)


def province_name() -> str:
    body = Body.objects.filter(kind=Body.Kind.PROVINCE).order_by("pk").first()
    return body.name if body else _("Provincial government")


def add_dataset(graph: Graph, dataset, base: str) -> URIRef:
    """The triples of one dataset (loaded through search.dataset_queryset) and its
    distributions."""
    ref = URIRef(f"{base}/dataset/{dataset.pk}")
    g = graph.add
    g((ref, RDF.type, DCAT.Dataset))
    g((ref, DCTERMS.title, Literal(dataset.title)))
    if dataset.notes:
        g((ref, DCTERMS.description, Literal(dataset.notes)))
    g((ref, DCTERMS.identifier, Literal(str(dataset.pk))))
    g((ref, DCTERMS.issued, _dt(dataset.published_at or dataset.created_at)))
    g((ref, DCTERMS.modified, _dt(dataset.modified_at)))
    g((ref, DCTERMS.language, Literal("id")))
    if dataset.version:
        g((ref, OWL.versionInfo, Literal(dataset.version)))
    g((ref, DCAT.landingPage, URIRef(dataset.url or base + dicts.dataset_path(dataset))))
    for tag in dataset.tags.all():
        g((ref, DCAT.keyword, Literal(tag.name)))
    for group in dataset.groups.all():
        theme = URIRef(f"{base}/group/{group.name}")
        g((ref, DCAT.theme, theme))
    if dataset.frekuensi in FREQUENCIES:
        g((ref, DCTERMS.accrualPeriodicity, URIRef(EU_FREQUENCY + FREQUENCIES[dataset.frekuensi])))
    if dataset.tahun_data:
        period = BNode()
        g((ref, DCTERMS.temporal, period))
        g((period, RDF.type, DCTERMS.PeriodOfTime))
        year = dataset.tahun_data
        g((period, DCAT.startDate, Literal(datetime.date(year, 1, 1), datatype=XSD.date)))
        g((period, DCAT.endDate, Literal(datetime.date(year, 12, 31), datatype=XSD.date)))
    if dataset.kode_wilayah:
        place = URIRef(f"{base}/wilayah/{dataset.kode_wilayah}")
        g((ref, DCTERMS.spatial, place))
        g((place, RDF.type, DCTERMS.Location))
        g((place, DCTERMS.identifier, Literal(dataset.kode_wilayah)))
    organization = dataset.organization
    publisher = URIRef(f"{base}/organization/{organization.slug}")
    g((ref, DCTERMS.publisher, publisher))
    g((publisher, RDF.type, FOAF.Agent))
    g((publisher, FOAF.name, Literal(organization.name)))
    contact_name = dataset.walidata or dataset.maintainer or organization.name
    email = dataset.maintainer_email or dataset.author_email or organization.email
    contact = BNode()
    g((ref, DCAT.contactPoint, contact))
    g((contact, RDF.type, VCARD.Organization))
    g((contact, VCARD.fn, Literal(contact_name)))
    if email:
        g((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    licence = dataset.licence
    for resource in dataset.resources.all():
        if resource.state != "active":
            continue
        dist = URIRef(f"{base}/dataset/{dataset.pk}/resource/{resource.pk}")
        g((ref, DCAT.distribution, dist))
        g((dist, RDF.type, DCAT.Distribution))
        g((dist, DCTERMS.title, Literal(resource.name)))
        if resource.description:
            g((dist, DCTERMS.description, Literal(resource.description)))
        url = dicts.resource_download_url(resource, base)
        if url:
            g((dist, DCAT.accessURL, URIRef(url)))
            if resource.file:
                g((dist, DCAT.downloadURL, URIRef(url)))
        if resource.format:
            g((dist, DCTERMS.format, Literal(resource.format)))
        if resource.mimetype:
            g((dist, DCAT.mediaType, URIRef(IANA + resource.mimetype)))
        if resource.size is not None:
            g((dist, DCAT.byteSize, Literal(resource.size, datatype=XSD.nonNegativeInteger)))
        g((dist, DCTERMS.issued, _dt(resource.created_at)))
        g((dist, DCTERMS.modified, _dt(resource.modified_at)))
        if licence.url:
            g((dist, DCTERMS.license, URIRef(licence.url)))
        if resource.hash.startswith("sha256:"):
            checksum = BNode()
            g((dist, SPDX.checksum, checksum))
            g((checksum, RDF.type, SPDX.Checksum))
            g((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            g((checksum, SPDX.checksumValue, Literal(resource.hash.split(":", 1)[1])))
    return ref


def add_catalog(graph: Graph, base: str) -> URIRef:
    catalog = URIRef(f"{base}/")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(_("Data bank of the province (Satu Data)"))))
    graph.add(
        (
            catalog,
            DCTERMS.description,
            Literal(_("Statistical datasets published by the province's agencies.")),
        )
    )
    graph.add((catalog, FOAF.homepage, URIRef(f"{base}/")))
    graph.add((catalog, DCTERMS.language, Literal("id")))
    publisher = URIRef(f"{base}/#publisher")
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(province_name())))
    return catalog


def serialize(graph: Graph, fmt: str) -> tuple[bytes, str]:
    syntax, media_type = FORMATS[fmt]
    if syntax == "json-ld":
        data = graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True)
    else:
        data = graph.serialize(format=syntax)
    return data.encode("utf-8") if isinstance(data, str) else data, media_type


def catalog_graph(*, base: str, params: dict, page: int, page_url) -> Graph:
    """One page of the catalogue: the catalogue node, its datasets, and a
    hydra:PagedCollection node describing the paging (like ckanext-dcat)."""
    query = {"rows": PER_PAGE, "start": (page - 1) * PER_PAGE, "sort": "metadata_modified desc"}
    fq_list = []
    if params.get("q"):
        query["q"] = params["q"]
    if params.get("fq"):
        fq_list.append(params["fq"])
    if params.get("modified_since"):
        fq_list.append(search.modified_since(parse_datetime(params["modified_since"])))
    if fq_list:
        query["fq_list"] = fq_list
    found = search.search_datasets(user=AnonymousUser(), params=query)
    graph = new_graph()
    catalog = add_catalog(graph, base)
    for dataset in found.datasets:
        graph.add((catalog, DCAT.dataset, add_dataset(graph, dataset, base)))
    last = max(1, -(-found.count // PER_PAGE))
    paging = URIRef(page_url(page))
    graph.add((paging, RDF.type, HYDRA.PagedCollection))
    graph.add((paging, HYDRA.totalItems, Literal(found.count, datatype=XSD.integer)))
    graph.add((paging, HYDRA.itemsPerPage, Literal(PER_PAGE, datatype=XSD.integer)))
    graph.add((paging, HYDRA.first, Literal(page_url(1))))
    graph.add((paging, HYDRA.last, Literal(page_url(last))))
    if page < last:
        graph.add((paging, HYDRA.next, Literal(page_url(page + 1))))
    if page > 1:
        graph.add((paging, HYDRA.previous, Literal(page_url(page - 1))))
    return graph


def _base(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def catalog_view(request, fmt: str):
    base = _base(request)
    raw_page = request.GET.get("page", "1")
    if not raw_page.isdigit() or int(raw_page) < 1:
        return HttpResponse(_("page must be a positive integer"), status=400)
    page = int(raw_page)
    params = {k: request.GET.get(k) for k in ("q", "fq", "modified_since")}

    def page_url(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return f"{base}{request.path}?{query.urlencode()}"

    try:
        graph = catalog_graph(base=base, params=params, page=page, page_url=page_url)
    except ActionError as exc:
        return HttpResponse(exc.error_dict()["message"], status=400, content_type="text/plain")
    data, media_type = serialize(graph, fmt)
    return HttpResponse(data, content_type=f"{media_type}; charset=utf-8")


def dataset_view(request, key: str, fmt: str):
    import uuid

    base = _base(request)
    from .access import datasets_visible_to

    visible = search.dataset_queryset().filter(
        pk__in=datasets_visible_to(user=AnonymousUser()).values("pk")
    )
    dataset = None
    try:
        dataset = visible.filter(pk=uuid.UUID(key)).first()
    except ValueError:
        pass
    if dataset is None:
        dataset = visible.filter(name=key).first()
    if dataset is None:
        raise Http404
    graph = new_graph()
    add_dataset(graph, dataset, base)
    data, media_type = serialize(graph, fmt)
    return HttpResponse(data, content_type=f"{media_type}; charset=utf-8")
