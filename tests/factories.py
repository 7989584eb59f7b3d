"""factory_boy factories for the test suite."""

import datetime

import factory
from django.contrib.auth import get_user_model

from ppid.organizations.models import Appointment, Body, Office, Role
from ppid.registry.models import Category, InformationItem


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("correct-horse-battery")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    slug = factory.Sequence(lambda n: f"dinas-uji-{n}")
    kind = Body.Kind.AGENCY


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    body = factory.SubFactory(BodyFactory)
    kind = Office.Kind.UTAMA
    name = factory.LazyAttribute(lambda o: f"PPID {o.body.name}")
    slug = factory.Sequence(lambda n: f"ppid-uji-{n}")


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    user = factory.SubFactory(UserFactory, is_staff=True)
    office = factory.SubFactory(OfficeFactory)
    role = Role.PPID_PELAKSANA
    sk_number = factory.Sequence(lambda n: f"188.44/{n}/2026")
    sk_date = datetime.date(2026, 1, 2)
    valid_from = datetime.date(2026, 1, 2)
    valid_to = None


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationItem

    office = factory.SubFactory(OfficeFactory)
    body = factory.LazyAttribute(lambda i: i.office.body)
    title = factory.Sequence(lambda n: f"Laporan keuangan {n}")
    summary = "Ringkasan laporan keuangan tahunan"
    category = Category.SETIAP_SAAT
    owner_unit = "Sekretariat"
    responsible = "Kepala Sekretariat"
    creation_time = "2026"
    creation_place = "Palangka Raya"
    retention = "5 tahun"
    year = 2026
    status = InformationItem.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    search_text = factory.LazyAttribute(
        lambda i: __import__("ppid.core.search", fromlist=["stem_text"]).stem_text(
            f"{i.title} {i.summary} {i.owner_unit}"
        )
    )
