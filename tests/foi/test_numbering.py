"""Registration numbers under real concurrency (F17, §17 #3, DESIGN.md): parallel HTTP
submissions to a live server get distinct, contiguous numbers, with no gaps, on SQLite and
PostgreSQL alike; a rolled-back submission gives its number back."""

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from ppid.foi import services
from ppid.foi.models import InformationRequest

from .conftest import REQUESTER_EMAIL, VALID_NIK

PARALLEL = 64


def _body(i: int) -> bytes:
    return json.dumps(
        {
            "office": "ppid-dinas-a",
            "requester": {
                "kind": "perorangan",
                "name": f"Pemohon {i}",
                "nik": VALID_NIK,
                "address": "Jl. Tjilik Riwut No. 1",
                "email": REQUESTER_EMAIL,
            },
            "information": f"Informasi nomor {i}",
            "purpose": "Penelitian",
            "obtain_methods": ["membaca"],
        }
    ).encode()


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_get_contiguous_distinct_numbers(live_server, office_a):
    barrier = threading.Barrier(PARALLEL)

    def submit(i: int) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/requests",
            data=_body(i),
            # The test server's listen queue is short: a refused connection is retried,
            # safely, because the key makes a retry answer as the first attempt.
            headers={"Content-Type": "application/json", "Idempotency-Key": f"parallel-{i}"},
            method="POST",
        )
        barrier.wait(timeout=60)
        for _attempt in range(20):
            try:
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as error:
                return error.code, {"error": error.read().decode()[:500]}
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.2)
        return 0, {"error": "no connection"}

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = list(pool.map(submit, range(PARALLEL)))

    assert [status for status, _ in results] == [201] * PARALLEL, results
    numbers = sorted(body["registration_number"] for _, body in results)
    assert len(set(numbers)) == PARALLEL
    assert numbers == [f"PPID-DINAS-A/PERMOHONAN/{n[-10:-6]}/{i:05d}"
                       for i, n in enumerate(numbers, start=1)]  # fmt: skip
    seqs = sorted(InformationRequest.objects.values_list("number_seq", flat=True))
    assert seqs == list(range(1, PARALLEL + 1))


@pytest.mark.django_db(transaction=True)
def test_parallel_retries_with_one_key_create_one_request(live_server, office_a):
    def submit(_):
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/requests",
            data=_body(1),
            headers={"Content-Type": "application/json", "Idempotency-Key": "retry-1"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, json.loads(response.read())

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(submit, range(8)))
    assert {status for status, _ in results} == {201}
    assert len({json.dumps(body, sort_keys=True) for _, body in results}) == 1
    assert InformationRequest.objects.count() == 1
    assert InformationRequest.objects.get().number_seq == 1


@pytest.mark.django_db
def test_a_rolled_back_submission_gives_its_number_back(request_data):
    with pytest.raises(ValidationError), transaction.atomic():
        services.request_submit(request_data())
        raise ValidationError("the caller's later step failed")
    assert services.request_submit(request_data()).request.number_seq == 1
