import datetime
import pytest
from django.urls import reverse
from ppid.registry.models import DipEstablishment
from ppid.registry import services
from .test_registry_browser import registry  # noqa
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

def test_shots(page, registry):
    agency = registry["agency"]
    page.set_viewport_size({"width": 1280, "height": 900})
    for name, url in {"home": "/", "search": "/cari/?q=laporan", "dip": reverse("registry:dip", args=[agency.slug]), "item": registry["finance"].get_absolute_url(), "body": reverse("registry:body", args=[agency.slug]), "nf": "/informasi/00000000-0000-0000-0000-000000000000/", "agg": "/ppid-utama/ppid-utama/", "dik": "/dik/"}.items():
        page.goto(url)
        page.screenshot(path=f"/tmp/pubpages/{name}.png", full_page=True)
    page.goto(reverse("registry:dip", args=[agency.slug]))
    page.emulate_media(media="print")
    page.screenshot(path="/tmp/pubpages/dip-print.png", full_page=True)
