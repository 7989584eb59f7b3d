"""The data bank's models: seeded licences and themes, CKAN states, database constraints,
the integer key used by events and the full-text index."""

import pytest
from django.db import IntegrityError, transaction

from ppid.databank.models import Dataset, Group, Licence, Resource, dataset_insert, next_seq

from .conftest import make_dataset

pytestmark = pytest.mark.django_db


def test_licences_and_groups_are_seeded():
    ids = list(Licence.objects.values_list("id", flat=True))
    assert ids[0] == "cc-by-4.0"
    assert {"cc-by-sa-4.0", "cc-zero", "odc-by", "odc-odbl", "other-open", "other-closed"} <= set(
        ids
    )
    assert Licence.objects.get(pk="other-closed").is_open is False
    assert {"kependudukan", "kesehatan", "pendidikan", "pertanian", "infrastruktur"} <= set(
        Group.objects.values_list("name", flat=True)
    )


def test_seq_grows_and_is_unique():
    values = [next_seq() for _ in range(2000)]
    assert values == sorted(values) and len(set(values)) == len(values)
    assert values[-1] < 2**63


def test_a_seq_taken_by_another_process_is_drawn_again(draft):
    # Two processes drawing the same microsecond and the same random part (next_seq).
    twin = Dataset(
        name="kembar", title="Kembar", organization=draft.organization, office=draft.office,
        seq=draft.seq,
    )  # fmt: skip
    dataset_insert(twin)
    twin.refresh_from_db()
    assert twin.seq != draft.seq and Dataset.objects.filter(name="kembar").count() == 1


def test_dataset_insert_raises_other_integrity_errors(draft):
    clash = Dataset(name=draft.name, title="Sama", organization=draft.organization,
                    office=draft.office)  # fmt: skip
    with pytest.raises(IntegrityError):
        dataset_insert(clash)
    assert Dataset.objects.filter(name=draft.name).count() == 1


@pytest.mark.parametrize(
    ("status", "private", "state", "public"),
    [
        ("draft", False, "draft", False),
        ("submitted", False, "draft", False),
        ("returned", False, "draft", False),
        ("published", False, "active", True),
        ("published", True, "active", False),
        ("withdrawn", False, "deleted", False),
    ],
)
def test_ckan_state(status, private, state, public):
    dataset = Dataset(status=status, private=private)
    assert (dataset.state, dataset.is_public) == (state, public)


def test_constraints(producer_a, office_a):
    dataset = make_dataset(producer_a, office_a)
    for changes in (
        {"status": "withdrawn", "withdrawn_reason": ""},
        {"status": "returned", "review_note": ""},
        {"status": "published", "published_at": None},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Dataset.objects.filter(pk=dataset.pk).update(**changes)
    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.create(dataset=dataset, name="kosong")


def test_resource_properties(producer_a, office_a):
    dataset = make_dataset(producer_a, office_a)
    resource = dataset.resources.get()
    assert resource.is_tabular and not resource.datastore_active
    assert resource.url_type == "upload" and resource.filename == "penduduk.csv"
