"""Fixtures of the information-request tests: a RequestData builder and a submitted request
(issue 3). A request is always created through `request_submit`, never by hand, so numbers,
deadlines (D2), events and notifications are the real ones."""

import pytest

# A structurally valid NIK (F22 a): province 62, regency 71, district 01, a woman born on
# 15 May 1990 (day + 40 = 55), sequence 0001.
VALID_NIK = "6271015505900001"
REQUESTER_EMAIL = "warga@example.org"


@pytest.fixture
def request_data(office_a):
    """Build a valid RequestData: request_data(office=..., information=..., requester={...})."""
    from ppid.foi.services import RequestData, RequesterData

    def build(office=None, requester=None, **overrides):
        person = {
            "kind": "perorangan",
            "name": "Siti Warga",
            "address": "Jl. Tjilik Riwut No. 1, Palangka Raya",
            "nik": VALID_NIK,
            "occupation": "Wiraswasta",
            "phone": "081234567890",
            "email": REQUESTER_EMAIL,
        }
        person.update(requester or {})
        fields = {
            "office": office or office_a,
            "requester": RequesterData(**person),
            "information": "Salinan laporan realisasi anggaran tahun 2025",
            "purpose": "Bahan penelitian skripsi",
            "obtain_methods": ["salinan"],
            "copy_format": "softcopy",
            "delivery_method": "email",
        }
        fields.update(overrides)
        return RequestData(**fields)

    return build


@pytest.fixture
def make_request(request_data):
    """Submit a valid request: make_request(office=..., **RequestData overrides,
    actor=..., user=..., submission_key=..., requester={...}) -> InformationRequest."""
    from ppid.foi.services import request_submit

    def make(office=None, *, actor=None, user=None, submission_key=None, **overrides):
        data = request_data(office=office, **overrides)
        return request_submit(data, actor=actor, user=user, submission_key=submission_key).request

    return make
