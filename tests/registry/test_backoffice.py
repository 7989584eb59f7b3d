"""The registry's staff back office inside Wagtail's admin: a permission matrix over every
URL it adds, CSRF, login lockout, session expiry, uploads, the item lifecycle and DIK/DIP."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ppid.core.models import Event
from ppid.organizations.models import Office
from ppid.registry import importer, services
from ppid.registry.forms import ExemptEntryForm
from ppid.registry.models import (
    Category,
    DipEstablishment,
    Document,
    ExemptEntry,
    InformationItem,
)
from tests.factories import ItemFactory

LOGIN = "/admin/login/"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 120


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Six personas a test: PBKDF2 would spend seconds hashing their passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def draft_a(office_a):
    return ItemFactory(
        office=office_a, title="Rencana kerja Dinas A", status=InformationItem.Status.DRAFT,
        published_at=None,
    )  # fmt: skip


@pytest.fixture
def berkala_a(office_a):
    today = timezone.localdate()
    return ItemFactory(
        office=office_a,
        title="Laporan keuangan berkala Dinas A",
        category=Category.BERKALA,
        last_reviewed=today - datetime.timedelta(days=200),
        next_review=today - datetime.timedelta(days=17),
    )


@pytest.fixture
def document_a(officer_a, berkala_a):
    return services.document_attach_link(
        user=officer_a, item=berkala_a, url="https://example.test/a.pdf", title="Lampiran"
    )


@pytest.fixture
def import_job_a(officer_a, office_a):
    upload = SimpleUploadedFile("dip.xlsx", importer.build_template())
    return services.import_job_create(user=officer_a, office=office_a, upload=upload)


@pytest.fixture
def exempt_a(officer_a, office_a):
    form = ExemptEntryForm(_exempt_post(office_a), offices=Office.objects.filter(pk=office_a.pk))
    assert form.is_valid(), form.errors
    return services.exempt_entry_create(
        user=officer_a,
        office=office_a,
        test_fields=form.test_fields(),
        entry_fields=form.entry_fields(),
    )


@pytest.fixture
def personas(officer_a, officer_b, utama_officer, outsider, expired_officer, superuser):
    return {
        "officer_a": officer_a,
        "officer_b": officer_b,
        "utama_officer": utama_officer,
        "outsider": outsider,
        "expired_officer": expired_officer,
        "superuser": superuser,
    }


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        # force_login: django-axes requires the request in authenticate(), which
        # Client.login does not pass; the axes backend (listed first) cannot load users.
        # Reloaded: UserFactory skips the save after set_password, so the in-memory
        # password hash (which signs the session) differs from the stored one.
        user = type(user).objects.get(pk=user.pk)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# Every URL the back office adds: (name, method, url builder, POST data builder).
# Object URLs point at office_a's records.
def _urls(draft_a, berkala_a, document_a, import_job_a, office_a, exempt_a):
    return [
        ("item_list", "get", reverse("registry_admin:item_list"), None),
        ("item_create", "get", reverse("registry_admin:item_create"), None),
        ("item", "get", reverse("registry_admin:item", args=[berkala_a.uid]), None),
        ("item_edit", "get", reverse("registry_admin:item_edit", args=[berkala_a.uid]), None),
        ("item_publish", "post", reverse("registry_admin:item_publish", args=[draft_a.uid]), {}),
        (
            "item_withdraw", "post",
            reverse("registry_admin:item_withdraw", args=[berkala_a.uid]),
            {"reason": "Data diganti versi revisi"},
        ),
        ("item_review", "post", reverse("registry_admin:item_review", args=[berkala_a.uid]), {}),
        (
            "document_upload", "post",
            reverse("registry_admin:document_upload", args=[berkala_a.uid]),
            {"title": "Laporan", "file": lambda: SimpleUploadedFile("laporan.pdf", PDF)},
        ),
        (
            "document_link", "post",
            reverse("registry_admin:document_link", args=[berkala_a.uid]),
            {"title": "Tautan", "url": "https://example.test/b"},
        ),
        (
            "document_deactivate", "post",
            reverse("registry_admin:document_deactivate", args=[berkala_a.uid, document_a.uid]),
            {"reason": "Salah unggah"},
        ),
        ("exempt_list", "get", reverse("registry_admin:exempt_list"), None),
        ("exempt_create", "get", reverse("registry_admin:exempt_create"), None),
        (
            "exempt_withdraw", "post",
            reverse("registry_admin:exempt_withdraw", args=[exempt_a.uid]),
            {"reason": "Masa pengecualian berakhir"},
        ),
        ("dip_bodies", "get", reverse("registry_admin:dip_bodies"), None),
        ("dip_body", "get", reverse("registry_admin:dip_body", args=[office_a.body.slug]), None),
        ("import_start", "get", reverse("registry_admin:import_start"), None),
        ("import_template", "get", reverse("registry_admin:import_template"), None),
        ("import_job", "get", reverse("registry_admin:import_job", args=[import_job_a.uid]), None),
        (
            "import_confirm", "post",
            reverse("registry_admin:import_confirm", args=[import_job_a.uid]), {},
        ),
    ]  # fmt: skip


OBJECT_URLS = {
    "item", "item_edit", "item_publish", "item_withdraw", "item_review", "document_upload",
    "document_link", "document_deactivate", "dip_body", "import_job", "import_confirm",
    "exempt_withdraw",
}  # fmt: skip
URL_NAMES = [
    "item_list", "item_create", "item", "item_edit", "item_publish", "item_withdraw",
    "item_review", "document_upload", "document_link", "document_deactivate", "exempt_list",
    "exempt_create", "dip_bodies", "dip_body", "import_start", "import_template", "import_job",
    "import_confirm", "exempt_withdraw",
]  # fmt: skip
EXPECTED = {
    # persona: what office_a's URLs answer
    "anonymous": "login",
    "expired_officer": "login",
    "officer_b": "404",
    "outsider": "404",
    "officer_a": "ok",
    "utama_officer": "ok",
    "superuser": "ok",
}


@pytest.fixture
def url_table(draft_a, berkala_a, document_a, import_job_a, office_a, exempt_a):
    rows = _urls(draft_a, berkala_a, document_a, import_job_a, office_a, exempt_a)
    return {row[0]: row for row in rows}


def _call(client, method, url, data):
    if method == "get":
        return client.get(url)
    data = {k: (v() if callable(v) else v) for k, v in (data or {}).items()}
    return client.post(url, data)


def test_the_matrix_covers_every_back_office_url():
    from ppid.registry.wagtail_hooks import urlpatterns

    assert sorted(p.name for p in urlpatterns) == sorted(URL_NAMES)


@pytest.mark.parametrize("persona", list(EXPECTED))
@pytest.mark.parametrize("name", URL_NAMES)
def test_permission_matrix(persona, name, personas, url_table):
    _name, method, url, data = url_table[name]
    user = personas.get(persona)
    response = _call(_client(user), method, url, data)
    expected = EXPECTED[persona]
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    elif expected == "404" and name in OBJECT_URLS:
        assert response.status_code == 404
    elif expected == "404":
        # Lists and create pages of his own scope: allowed, but office_a's records absent.
        if name in ("item_create", "exempt_create", "import_start", "import_template"):
            assert response.status_code in (200, 404)  # 404 when he manages no office
        else:
            assert response.status_code == 200
            assert b"Dinas A" not in response.content
    elif method == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 302, response.content[:2000]
        assert not response["Location"].startswith(LOGIN)


def test_a_post_without_a_csrf_token_is_refused(officer_a, draft_a):
    client = _client(officer_a, enforce_csrf_checks=True)
    response = client.post(reverse("registry_admin:item_publish", args=[draft_a.uid]))
    assert response.status_code == 403
    draft_a.refresh_from_db()
    assert draft_a.status == InformationItem.Status.DRAFT


def test_the_list_shows_only_the_officers_offices(officer_b, draft_a, office_b):
    ItemFactory(office=office_b, title="Rencana Dinas B")
    response = _client(officer_b).get(reverse("registry_admin:item_list"))
    assert b"Rencana Dinas B" in response.content
    assert draft_a.title.encode() not in response.content


def test_the_ppid_utama_sees_its_whole_body(utama_officer, draft_a, office_b):
    ItemFactory(office=office_b, title="Rencana Dinas B")
    response = _client(utama_officer).get(reverse("registry_admin:item_list"))
    assert b"Rencana Dinas B" in response.content
    assert draft_a.title.encode() in response.content


def test_the_list_filters_by_status_category_office_search_and_overdue(
    officer_a, draft_a, berkala_a
):
    client = _client(officer_a)
    url = reverse("registry_admin:item_list")
    assert draft_a.title.encode() not in client.get(url, {"status": "published"}).content
    assert berkala_a.title.encode() in client.get(url, {"category": "berkala"}).content
    assert draft_a.title.encode() not in client.get(url, {"category": "berkala"}).content
    assert berkala_a.title.encode() in client.get(url, {"office": "ppid-dinas-a"}).content
    assert draft_a.title.encode() in client.get(url, {"q": "rencana"}).content
    overdue = client.get(url, {"overdue": "on"}).content
    assert berkala_a.title.encode() in overdue and draft_a.title.encode() not in overdue
    assert client.get(url, {"status": "nonsense", "p": "x"}).status_code == 200


def test_the_list_paginates(officer_a, office_a):
    ItemFactory.create_batch(30, office=office_a)
    response = _client(officer_a).get(reverse("registry_admin:item_list"), {"p": 2})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 5


# --- Login protection ------------------------------------------------------------------


def _set_password(user):
    user.set_password("correct-horse-battery")
    user.save(update_fields=["password"])


def test_login_locks_out_after_five_failures(officer_a):
    _set_password(officer_a)
    client = Client()
    statuses = [
        client.post(LOGIN, {"username": "alice", "password": "wrong"}).status_code
        for _attempt in range(5)
    ]
    assert statuses[:4] == [200] * 4  # the form again, with an error
    assert statuses[4] in (403, 429)  # the fifth failure locks the account
    response = client.post(LOGIN, {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("registry_admin:item_list")).status_code == 302


def test_a_correct_login_before_the_limit_opens_the_back_office(officer_a):
    _set_password(officer_a)
    client = Client()
    client.post(LOGIN, {"username": "alice", "password": "wrong"})
    response = client.post(LOGIN, {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get(reverse("registry_admin:item_list")).status_code == 200


def test_a_staff_session_expires_after_the_idle_limit(officer_a, settings):
    url = reverse("registry_admin:item_list")
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client = _client(officer_a)
        assert client.get(url).status_code == 200
        traveller.shift(settings.STAFF_SESSION_IDLE_SECONDS - 60)
        assert client.get(url).status_code == 200  # activity keeps it alive
        traveller.shift(settings.STAFF_SESSION_IDLE_SECONDS + 1)
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert "_auth_user_id" not in client.session


def test_an_expired_appointment_gives_no_back_office_and_no_data(expired_officer, draft_a):
    client = _client(expired_officer)
    assert client.get("/admin/").status_code == 302
    response = client.get(reverse("registry_admin:item", args=[draft_a.uid]))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- Menus and dashboard ---------------------------------------------------------------


def test_staff_do_not_see_wagtails_content_menus(officer_a, superuser):
    from django.test import RequestFactory
    from wagtail import hooks
    from wagtail.admin.menu import MenuItem

    from ppid.registry.wagtail_hooks import HIDDEN_FROM_STAFF, hide_menus_from_staff

    assert hide_menus_from_staff in hooks.get_hooks("construct_main_menu")
    everything = [MenuItem(name, "/", name=name) for name in [*HIDDEN_FROM_STAFF, "registry"]]
    request = RequestFactory().get("/admin/")
    cases = ((officer_a, {"registry"}), (superuser, {*HIDDEN_FROM_STAFF, "registry"}))
    for user, expected in cases:
        request.user = user
        items = list(everything)
        hide_menus_from_staff(request, items)
        assert {item.name for item in items} == expected
    page = _client(officer_a).get("/admin/")
    assert b"/admin/registry/items/" in page.content
    assert b"/admin/images/" not in page.content


def test_the_dashboard_flags_overdue_berkala_reviews_to_their_office(
    officer_a, officer_b, berkala_a
):
    # F2: berkala information is refreshed at least every six months.
    response = _client(officer_a).get("/admin/")
    assert response.status_code == 200
    assert b"registry-overdue-reviews" in response.content
    assert berkala_a.title.encode() in response.content
    other = _client(officer_b).get("/admin/")
    assert berkala_a.title.encode() not in other.content


def test_the_item_list_flags_an_overdue_review(officer_a, berkala_a):
    response = _client(officer_a).get(reverse("registry_admin:item_list"))
    assert b"w-status--label" in response.content  # the overdue badge
    assert response.context["page_obj"].object_list[0].review_overdue


# --- Items: create, edit, lifecycle, history ---------------------------------------------


def _item_post(office, **overrides):
    data = {
        "office": office.pk,
        "title": "Daftar aset Dinas A",
        "summary": "Daftar barang milik daerah",
        "category": Category.SETIAP_SAAT,
        "owner_unit": "Subbagian Umum",
        "responsible": "Sekretaris Dinas",
        "creation_time": "Januari 2026",
        "creation_place": "Palangka Raya",
        "form_softcopy": "on",
        "retention": "10 tahun",
        "media_type": "PDF",
        "year": "2026",
    }
    data.update(overrides)
    return data


def test_an_officer_creates_an_item_with_every_f49_column(officer_a, office_a):
    response = _client(officer_a).post(reverse("registry_admin:item_create"), _item_post(office_a))
    assert response.status_code == 302
    item = InformationItem.objects.get(title="Daftar aset Dinas A")
    assert (item.office, item.status, item.retention, item.media_type) == (
        office_a, InformationItem.Status.DRAFT, "10 tahun", "PDF",
    )  # fmt: skip
    assert Event.objects.filter(object_id=item.pk, action="created", actor=officer_a).exists()


def test_an_officer_cannot_create_an_item_for_another_office(officer_b, office_a):
    response = _client(officer_b).post(reverse("registry_admin:item_create"), _item_post(office_a))
    assert response.status_code == 400
    assert not InformationItem.objects.exists()


def test_a_bad_item_form_shows_errors_and_writes_nothing(officer_a, office_a):
    response = _client(officer_a).post(
        reverse("registry_admin:item_create"),
        _item_post(office_a, title="", year="1800", form_softcopy=""),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "title" in form.errors and "year" in form.errors
    assert not InformationItem.objects.exists()


def test_editing_records_the_change_with_its_reason(officer_a, draft_a):
    data = _item_post(draft_a.office, title="Rencana kerja 2027", reason="Judul diperbaiki")
    del data["office"]
    response = _client(officer_a).post(
        reverse("registry_admin:item_edit", args=[draft_a.uid]), data
    )
    assert response.status_code == 302
    event = Event.objects.get(object_id=draft_a.pk, action="updated")
    assert event.reason == "Judul diperbaiki"
    assert event.changes["title"] == ["Rencana kerja Dinas A", "Rencana kerja 2027"]
    assert event.actor_role == "ppid_pelaksana"


def test_withdrawing_without_a_reason_is_refused(officer_a, berkala_a):
    response = _client(officer_a).post(
        reverse("registry_admin:item_withdraw", args=[berkala_a.uid]), {"reason": "  "}
    )
    assert response.status_code == 400
    berkala_a.refresh_from_db()
    assert berkala_a.status == InformationItem.Status.PUBLISHED


def test_the_detail_page_shows_documents_and_history(officer_a, draft_a):
    client = _client(officer_a)
    client.post(reverse("registry_admin:item_publish", args=[draft_a.uid]))
    client.post(
        reverse("registry_admin:item_withdraw", args=[draft_a.uid]),
        {"reason": "Diganti dokumen baru"},
    )
    client.post(
        reverse("registry_admin:document_link", args=[draft_a.uid]),
        {"title": "Tautan SIPD", "url": "https://sipd.example.test/x"},
    )
    response = client.get(reverse("registry_admin:item", args=[draft_a.uid]))
    body = response.content.decode()
    assert "Tautan SIPD" in body and "Diganti dokumen baru" in body
    actions = [e.action for e in response.context["events"]]
    assert actions == ["published", "withdrawn", "link_added"]
    assert InformationItem.objects.filter(pk=draft_a.pk).exists()  # nothing hard-deleted


def test_reviewing_beyond_six_months_is_refused(officer_a, berkala_a):
    too_late = timezone.localdate() + datetime.timedelta(days=200)
    response = _client(officer_a).post(
        reverse("registry_admin:item_review", args=[berkala_a.uid]),
        {"next_review": too_late.isoformat()},
    )
    assert response.status_code == 400
    berkala_a.refresh_from_db()
    assert berkala_a.review_overdue


def test_removing_a_document_keeps_it_inactive(officer_a, berkala_a, document_a):
    _client(officer_a).post(
        reverse("registry_admin:document_deactivate", args=[berkala_a.uid, document_a.uid]),
        {"reason": "Salah unggah"},
    )
    document_a.refresh_from_db()
    assert document_a.is_active is False


# --- Uploads -----------------------------------------------------------------------------


def _stored_files(settings) -> list:
    root = settings.STORAGES["private"]["OPTIONS"]["location"]
    import pathlib

    return [p for p in pathlib.Path(root).rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("laporan.pdf", PNG),  # a lying extension
        ("program.pdf", ELF),  # an executable
        ("kosong.pdf", b""),  # zero bytes
        ("x.pdf.exe", PDF),
        ("<script>.pdf", PDF),
    ],
    ids=["lying-extension", "elf", "empty", "double-extension", "markup-name"],
)
def test_a_bad_upload_is_rejected_with_a_message_and_nothing_stored(
    officer_a, berkala_a, settings, name, content
):
    upload = SimpleUploadedFile(name, content)
    response = _client(officer_a).post(
        reverse("registry_admin:document_upload", args=[berkala_a.uid]),
        {"title": "", "file": upload},
    )
    assert response.status_code == 400
    assert response.context["upload_form"].errors
    assert not Document.objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\boot.pdf", "/etc/passwd.pdf"])
def test_a_path_in_the_file_name_is_rejected_by_the_service(officer_a, berkala_a, settings, name):
    # Django's multipart parser already strips paths; callers that are not a browser
    # (the API, commands) hand the service the raw name, so check_upload refuses it.
    upload = io.BytesIO(PDF)
    upload.name = name
    upload.size = len(PDF)
    with pytest.raises(ValidationError):
        services.document_attach_file(user=officer_a, item=berkala_a, upload=upload)
    assert not Document.objects.exists()
    assert _stored_files(settings) == []


def test_an_oversize_upload_is_rejected(officer_a, berkala_a, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("besar.pdf", PDF + b"0" * (1024 * 1024))
    response = _client(officer_a).post(
        reverse("registry_admin:document_upload", args=[berkala_a.uid]), {"file": upload}
    )
    assert response.status_code == 400
    assert "file" in response.context["upload_form"].errors
    assert not Document.objects.exists()
    assert _stored_files(settings) == []


def test_a_good_pdf_is_stored_privately_and_its_text_extracted(
    officer_a, berkala_a, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(officer_a).post(
            reverse("registry_admin:document_upload", args=[berkala_a.uid]),
            {"title": "Laporan", "file": SimpleUploadedFile("laporan.pdf", PDF)},
        )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == "application/pdf"
    assert document.extraction in (Document.Extraction.DONE, Document.Extraction.FAILED)
    assert len(_stored_files(settings)) == 1


# --- DIK and DIP ---------------------------------------------------------------------------


def _exempt_post(office, **overrides):
    data = {
        "office": office.pk,
        "trigger": "before_request",
        "document_identified": "Berkas penyidikan",
        "information_described": "Identitas pelapor",
        "law_analysed": "UU 14/2008 Pasal 17 huruf a angka 2",
        "analysis": "Membuka identitas pelapor membahayakan keselamatannya",
        "conclusion": "dikecualikan",
        "participants": "Kepala Dinas\nPPID Pelaksana",
        "period": "5 tahun",
        "tested_on": "2026-03-01",
        "information": "Identitas pelapor pelanggaran",
        "ground": "a",
        "ground_subitem": "2",
        "legal_basis": "UU 14/2008 Pasal 17 huruf a",
        "consequence": "Pelapor dapat terancam",
        "public_interest": "",
        "exempt_until": "2031-03-01",
        "period_text": "5 tahun",
        "decree_number": "188.44/12/2026",
        "decree_place": "Palangka Raya",
        "decree_date": "2026-03-02",
    }
    data.update(overrides)
    return data


def test_an_officer_records_a_dik_entry_with_its_consequence_test(officer_a, office_a):
    response = _client(officer_a).post(
        reverse("registry_admin:exempt_create"), _exempt_post(office_a)
    )
    assert response.status_code == 302
    entry = ExemptEntry.objects.get()
    assert (entry.ground, entry.ground_subitem) == ("a", 2)  # F6: Pasal 17 huruf a
    assert entry.consequence_test.participants.startswith("Kepala Dinas")
    assert Event.objects.filter(object_id=entry.pk, action="created", actor=officer_a).exists()
    listing = _client(officer_a).get(reverse("registry_admin:exempt_list"))
    assert b"Identitas pelapor pelanggaran" in listing.content


def test_a_dik_entry_under_a_to_f_needs_a_period(officer_a, office_a):
    # F7: exemptions under Pasal 17 a–f are not permanent.
    response = _client(officer_a).post(
        reverse("registry_admin:exempt_create"),
        _exempt_post(office_a, exempt_until="", period_text=""),
    )
    assert response.status_code == 400
    assert not ExemptEntry.objects.exists()


def test_another_officer_does_not_see_the_dik_entry(officer_a, officer_b, office_a):
    _client(officer_a).post(reverse("registry_admin:exempt_create"), _exempt_post(office_a))
    listing = _client(officer_b).get(reverse("registry_admin:exempt_list"))
    assert b"Identitas pelapor pelanggaran" not in listing.content


def test_the_ppid_utama_establishes_numbered_dip_versions(utama_officer, province, utama):
    ItemFactory(office=utama, title="Profil Pemerintah Provinsi")
    client = _client(utama_officer)
    url = reverse("registry_admin:dip_body", args=[province.slug])
    for number in ("188.44/1/2026", "188.44/2/2026"):
        response = client.post(url, {"sk_number": number, "sk_date": "2026-01-15", "year": 2026})
        assert response.status_code == 302
    versions = list(DipEstablishment.objects.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].rows[0]["title"] == "Profil Pemerintah Provinsi"
    page = client.get(url)
    assert b"188.44/2/2026" in page.content


def test_a_pelaksana_officer_cannot_establish_the_province_dip(officer_a, province, utama):
    url = reverse("registry_admin:dip_body", args=[province.slug])
    response = _client(officer_a).post(
        url, {"sk_number": "1", "sk_date": "2026-01-15", "year": 2026}
    )
    assert response.status_code == 404
    assert not DipEstablishment.objects.exists()


def test_a_dip_establishment_without_sk_number_is_refused(utama_officer, province, utama):
    url = reverse("registry_admin:dip_body", args=[province.slug])
    response = _client(utama_officer).post(url, {"sk_number": "", "sk_date": "2026-01-15"})
    assert response.status_code == 400
    assert not DipEstablishment.objects.exists()


def test_the_template_download_is_an_xlsx_workbook(officer_a):
    from openpyxl import load_workbook

    response = _client(officer_a).get(reverse("registry_admin:import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook["dip"][1]] == importer.HEADERS
    assert workbook["pilihan"].sheet_state == "hidden"


def test_an_officer_takes_a_dik_entry_off_the_list_with_a_reason(officer_a, exempt_a):
    """Nothing legal is deleted: the entry stays, inactive, with the reason in its history;
    the public list no longer shows it (F4: information opened becomes public)."""
    client = _client(officer_a)
    url = reverse("registry_admin:exempt_withdraw", args=[exempt_a.uid])
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 302
    exempt_a.refresh_from_db()
    assert exempt_a.is_active
    assert client.get(reverse("registry:dik")).content.count(b"Identitas pelapor pelanggaran")

    client.post(url, {"reason": "Dibuka oleh putusan Komisi Informasi"})
    exempt_a.refresh_from_db()
    assert not exempt_a.is_active
    event = Event.objects.get(object_id=exempt_a.pk, action="withdrawn")
    assert event.actor == officer_a
    assert event.reason == "Dibuka oleh putusan Komisi Informasi"
    assert b"Identitas pelapor pelanggaran" not in client.get(reverse("registry:dik")).content
    again = client.post(url, {"reason": "Lagi"})
    assert again.status_code == 302
    assert Event.objects.filter(object_id=exempt_a.pk, action="withdrawn").count() == 1
