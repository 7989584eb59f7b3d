"""Public registry pages (placeholder until the public-pages work lands)."""

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404

from ppid.organizations.models import Body

from . import access


def home(request):
    return HttpResponse("PPID Terpadu")


def item_detail(request, uid):
    item = access.item_for_public(uid)
    return HttpResponse(item.title)


def document_download(request, uid):
    document = access.document_for_viewer(request.user, uid)
    return FileResponse(document.file.open("rb"), content_type=document.content_type)


def body_detail(request, slug):
    body = get_object_or_404(Body, slug=slug)
    return HttpResponse(body.name)
