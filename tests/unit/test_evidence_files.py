"""Evidence files: the media type is the content's, each kind takes its own, and a size limit."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from domain.errors import InvalidInputError
from domain.evidence_files import EvidenceKind, check_upload, evidence_kind
from storage.evidence_files import open_file, seal_file

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    return out.getvalue()


def test_a_photo_is_recorded_with_the_sniffed_type_its_digest_and_size() -> None:
    content = jpeg()
    checked = check_upload(content, EvidenceKind.PHOTO, 1024 * 1024)
    assert checked.media_type == "image/jpeg"
    assert (checked.sha256, checked.size) == (hashlib.sha256(content).hexdigest(), len(content))
    assert not checked.personal


def test_a_video_and_an_invoice_are_their_kinds_and_only_an_invoice_is_personal() -> None:
    assert check_upload(MP4, EvidenceKind.VIDEO, 1024).media_type == "video/mp4"
    invoice = check_upload(b"%PDF-1.7\n%%EOF\n", EvidenceKind.INVOICE, 1024)
    assert invoice.media_type == "application/pdf" and invoice.personal


@pytest.mark.parametrize(
    ("content", "kind", "limit"),
    [
        (b"", EvidenceKind.PHOTO, 1024),
        (b"GIF89a" + b"\x00" * 2000, EvidenceKind.PHOTO, 1024),  # over the size limit
        (b"plain text, whatever the name says", EvidenceKind.PHOTO, 1024),
        (MP4, EvidenceKind.PHOTO, 1024),  # a video is not a photo
    ],
)
def test_an_empty_oversized_or_wrong_file_is_refused_at_file_in_both_languages(
    content: bytes, kind: EvidenceKind, limit: int
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_upload(content, kind, limit)
    assert refused.value.field == "file" and refused.value.detail_zh


def test_an_unknown_kind_is_refused_naming_the_kinds() -> None:
    with pytest.raises(InvalidInputError, match="photo, video, invoice"):
        evidence_kind("selfie")


def test_a_sealed_file_opens_only_with_its_customers_key_and_for_its_digest() -> None:
    key, other = b"k" * 32, b"o" * 32
    sealed = seal_file(b"invoice", "a" * 64, "c-1", key)
    assert open_file(sealed, "a" * 64, "c-1", key) == b"invoice"
    for args in (("a" * 64, "c-1", other), ("b" * 64, "c-1", key), ("a" * 64, "c-2", key)):
        with pytest.raises(Exception, match="does not open"):
            open_file(sealed, *args)
