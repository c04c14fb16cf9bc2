"""Uploads: PDF, JPEG and PNG recognised by their content, size-limited, private, hashed into the history."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.casework.models import Document
from apps.core.models import CaseEvent
from apps.repairs.models import RepairCase
from tests.repairs.conftest import PDF, PNG, filing

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def _post(api, users, world, *files):
    return api(users["applicant"]).post(
        "/api/v1/repairs", {**filing(world["record"]), "evidence": list(files)}, format="multipart"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("伪装.pdf", PNG),  # a PNG named .pdf
        ("脚本.pdf", b"#!/bin/sh\necho hi\n"),
        ("程序.exe", b"MZ\x90\x00" + b"\x00" * 20),
        ("空.pdf", b""),
        ("照片.png", JPEG),  # a JPEG named .png
    ],
)
def test_files_that_are_not_what_they_claim_are_refused_and_nothing_is_created(clock, users, world, api, name, content):
    response = _post(api, users, world, SimpleUploadedFile(name, content))
    assert response.status_code == 400, response.json()
    assert response.json()["error"] == "upload_invalid"
    assert RepairCase.objects.count() == 0 and Document.objects.count() == 0


def test_the_size_limit_applies(clock, users, world, api, settings):
    settings.UPLOAD_MAX_BYTES = 100
    response = _post(api, users, world, SimpleUploadedFile("大.pdf", PDF + b"0" * 200))
    assert response.status_code == 400 and "大小" in response.json()["detail"]
    assert RepairCase.objects.count() == 0


def test_accepted_files_are_stored_privately_with_their_hash_in_the_history(clock, users, world, api, settings):
    response = _post(
        api,
        users,
        world,
        SimpleUploadedFile("a.pdf", PDF),
        SimpleUploadedFile("b.JPG", JPEG),
        SimpleUploadedFile("c.png", PNG),
    )
    assert response.status_code == 201, response.json()
    documents = Document.objects.order_by("id")
    assert [d.content_type for d in documents] == ["application/pdf", "image/jpeg", "image/png"]
    for document, content in zip(documents, (PDF, JPEG, PNG), strict=True):
        assert document.sha256 == hashlib.sha256(content).hexdigest()
        path = document.file.path
        assert path.startswith(str(settings.PRIVATE_STORAGE_ROOT))
        event = CaseEvent.objects.get(kind="document_attached", data__document_id=document.pk)
        assert event.data["sha256"] == document.sha256
        assert event.case_type == "repairs.repaircase"
    response = api(users["applicant"]).get(f"/api/v1/documents/{documents[1].pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Checksum-SHA256"] == documents[1].sha256
    assert api(None).get(f"/api/v1/documents/{documents[1].pk}").status_code in (401, 403)
