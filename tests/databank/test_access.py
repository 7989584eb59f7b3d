"""The permission matrix of the data bank: every public page and download, and every back-
office page and action, for each persona against datasets in each status. Anyone who may
not see a dataset gets 404 (as for a missing one); the back office sends those without an
appointment to the login page."""

import pytest
from django.test import Client
from django.urls import reverse

from ppid.databank import access
from ppid.databank.models import Dataset

from .conftest import make_dataset

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous", "citizen", "owner", "producer_b", "outside_producer", "walidata",
    "outside_walidata", "officer_a", "superuser",
]  # fmt: skip
STATUSES = ["draft", "submitted", "returned", "published", "private", "withdrawn"]

# Who sees a dataset of agency A in each status (public pages, downloads, every API).
SEES = {
    "draft": {"owner", "superuser"},
    "submitted": {"owner", "walidata", "superuser"},
    "returned": {"owner", "walidata", "superuser"},
    "published": set(PERSONAS),
    "private": {"owner", "walidata", "superuser"},
    "withdrawn": {"owner", "walidata", "superuser"},
}
# Who reaches it in the back office.
STAFF_SEES = {status: SEES[status] - {"anonymous", "citizen", "producer_b", "outside_producer",
              "outside_walidata", "officer_a"} for status in STATUSES}  # fmt: skip


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        user = type(user).objects.get(pk=user.pk)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def world(producer_a, producer_b, outside_producer, walidata, outside_walidata, officer_a,
          citizen, superuser, office_a):  # fmt: skip
    datasets = {}
    for status in STATUSES:
        datasets[status] = make_dataset(
            producer_a, office_a, name=f"ds-{status}",
            status="published" if status == "private" else status,
            walidata=walidata, private=status == "private", title=f"Judul {status}",
        )  # fmt: skip
    users = {
        "anonymous": None, "citizen": citizen, "owner": producer_a, "producer_b": producer_b,
        "outside_producer": outside_producer, "walidata": walidata,
        "outside_walidata": outside_walidata, "officer_a": officer_a, "superuser": superuser,
    }  # fmt: skip
    return datasets, users


def test_visibility_function_matches_the_matrix(world):
    datasets, users = world
    for persona, user in users.items():
        from django.contrib.auth.models import AnonymousUser

        visible = set(
            access.datasets_visible_to(user=user or AnonymousUser()).values_list("name", flat=True)
        )
        expected = {f"ds-{s}" for s in STATUSES if persona in SEES[s]}
        assert visible == expected, persona


def test_public_pages_and_downloads(world):
    datasets, users = world
    for persona, user in users.items():
        client = _client(user)
        for status, dataset in datasets.items():
            resource = dataset.resources.get()
            expected = 200 if persona in SEES[status] else 404
            urls = [
                reverse("databank:dataset", args=[dataset.name]),
                reverse("databank:resource", args=[dataset.name, resource.pk]),
                resource.download_path,
            ]
            for url in urls:
                assert client.get(url).status_code == expected, (persona, status, url)
            listed = Dataset.objects.filter(pk=dataset.pk)
            body = client.get(reverse("databank:catalogue")).content.decode()
            assert (dataset.title in body) == (persona in SEES[status]), (persona, status)
            assert listed.exists()


def test_downloads_of_non_public_datasets_are_not_cached(world):
    datasets, users = world
    client = _client(users["owner"])
    response = client.get(datasets["draft"].resources.get().download_path)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_back_office_pages(world):
    datasets, users = world
    for persona, user in users.items():
        client = _client(user)
        listing = client.get(reverse("databank_admin:dataset_list"))
        if persona in ("anonymous", "citizen"):
            assert listing.status_code == 302, persona
        for status, dataset in datasets.items():
            response = client.get(reverse("databank_admin:dataset", args=[dataset.pk]))
            if persona in ("anonymous", "citizen"):
                assert response.status_code == 302, (persona, status)
            elif persona in STAFF_SEES[status]:
                assert response.status_code == 200, (persona, status)
                assert dataset.title in listing.content.decode()
            else:
                assert response.status_code == 404, (persona, status)
                if listing.status_code == 200:
                    assert dataset.title not in listing.content.decode()


def test_edit_and_create_only_for_the_producer(world):
    datasets, users = world
    for persona, user in users.items():
        client = _client(user)
        edit = client.get(reverse("databank_admin:dataset_edit", args=[datasets["draft"].pk]))
        create = client.get(reverse("databank_admin:dataset_create"))
        if persona in ("anonymous", "citizen"):
            assert (edit.status_code, create.status_code) == (302, 302)
        elif persona in ("owner", "superuser"):
            assert (edit.status_code, create.status_code) == (200, 200), persona
        else:
            assert edit.status_code == 404, persona
            assert create.status_code == (200 if persona in ("producer_b", "outside_producer")
                                          else 404), persona  # fmt: skip


def test_queue_only_for_walidata(world):
    datasets, users = world
    for persona, user in users.items():
        response = _client(user).get(reverse("databank_admin:queue"))
        if persona in ("anonymous", "citizen"):
            assert response.status_code == 302
        elif persona in ("walidata", "outside_walidata", "superuser"):
            assert response.status_code == 200
            body = response.content.decode()
            assert (datasets["submitted"].title in body) == (persona != "outside_walidata")
            assert datasets["draft"].title not in body
        else:
            assert response.status_code == 404, persona


@pytest.mark.parametrize(
    ("action", "status", "data", "allowed"),
    [
        ("dataset_submit", "draft", {}, {"owner", "superuser"}),
        ("dataset_verify", "submitted", {}, {"walidata", "superuser"}),
        ("dataset_return", "submitted", {"return-note": "Perbaiki"}, {"walidata", "superuser"}),
        ("dataset_check", "published", {"check-note": "Sesuai"}, {"walidata", "superuser"}),
        ("dataset_withdraw", "published", {"withdraw-reason": "Usang"},
         {"owner", "walidata", "superuser"}),
        ("resource_link", "draft", {"url": "https://bps.go.id/a.csv", "name": "BPS"},
         {"owner", "superuser"}),
    ],
)  # fmt: skip
def test_actions(world, action, status, data, allowed):
    datasets, users = world
    dataset = datasets[status]
    if action == "dataset_check":  # a producer changed the published dataset
        dataset.changed_since_check = True
        dataset.save(update_fields=["changed_since_check"])
    for persona, user in users.items():
        if persona in allowed:
            continue
        response = _client(user).post(reverse(f"databank_admin:{action}", args=[dataset.pk]), data)
        assert response.status_code in ((302,) if user is None or persona == "citizen" else (404,))
        if user is not None and persona != "citizen":
            assert response.status_code == 404, (persona, action)
        dataset.refresh_from_db()
        assert dataset.status == ("published" if status == "published" else status)
        assert dataset.changed_since_check == (action == "dataset_check")
    owner = next(p for p in ["owner", "walidata", "superuser"] if p in allowed)
    response = _client(users[owner]).post(
        reverse(f"databank_admin:{action}", args=[dataset.pk]), data
    )
    assert response.status_code == 302, response.content[:3000]
    assert response["Location"] == reverse("databank_admin:dataset", args=[dataset.pk])


def test_resource_remove_and_replace_only_by_owner(world, producer_b, walidata):
    datasets, users = world
    dataset = datasets["draft"]
    resource = dataset.resources.get()
    for persona in ("producer_b", "walidata", "outside_producer", "officer_a"):
        client = _client(users[persona])
        url = reverse("databank_admin:resource_remove", args=[dataset.pk, resource.pk])
        assert client.post(url, {"reason": "x"}).status_code == 404
    client = _client(users["owner"])
    url = reverse("databank_admin:resource_remove", args=[dataset.pk, resource.pk])
    assert client.post(url, {"reason": "Ganda"}).status_code == 302
    resource.refresh_from_db()
    assert resource.state == "deleted"
    # A removed resource is gone from the public pages, but kept.
    assert _client(users["owner"]).get(resource.download_path).status_code == 404
