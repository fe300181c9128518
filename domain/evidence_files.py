"""Evidence files: what may be uploaded to a claim, and what its bytes really are.

A file's media type is sniffed from its content (the ``filetype`` package reads
the magic numbers), never taken from its name or the client's Content-Type: a
script named ``photo.jpg`` is refused. Each kind of evidence accepts its own
media types; an invoice may hold personal data (the customer's name, address,
tax number), so it is stored sealed under the customer's key. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum

import filetype  # type: ignore[import-untyped]

from domain.errors import InvalidInputError


class EvidenceKind(Enum):
    """What an uploaded file shows."""

    PHOTO = "photo"
    VIDEO = "video"
    INVOICE = "invoice"


KIND_ZH = {EvidenceKind.PHOTO: "照片", EvidenceKind.VIDEO: "视频", EvidenceKind.INVOICE: "发票"}
ACCEPTED: dict[EvidenceKind, tuple[str, ...]] = {
    EvidenceKind.PHOTO: ("image/jpeg", "image/png", "image/webp", "image/heic", "image/gif"),
    EvidenceKind.VIDEO: ("video/mp4", "video/quicktime", "video/webm", "video/x-matroska"),
    EvidenceKind.INVOICE: ("application/pdf", "image/jpeg", "image/png", "image/webp"),
}
PERSONAL = frozenset({EvidenceKind.INVOICE})
"""Kinds that may hold personal data: stored sealed under the customer's key."""


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: its digest, sniffed media type and size."""

    sha256: str
    media_type: str
    size: int
    kind: EvidenceKind

    @property
    def personal(self) -> bool:
        return self.kind in PERSONAL


def sniffed_media_type(content: bytes) -> str | None:
    """The media type the content's magic numbers tell; None when they tell none."""
    guessed = filetype.guess_mime(content)
    return str(guessed) if guessed else None


def check_upload(content: bytes, kind: EvidenceKind, max_bytes: int) -> CheckedFile:
    """Refuses an empty, oversized or unrecognised file, or one not of its kind (field ``file``)."""
    if not content:
        raise InvalidInputError("file", "must not be empty", "文件不能为空")
    if len(content) > max_bytes:
        raise InvalidInputError(
            "file",
            f"is {len(content)} bytes; at most {max_bytes} bytes are accepted",
            f"文件大小 {len(content)} 字节，超过上限 {max_bytes} 字节",
        )
    media_type = sniffed_media_type(content)
    accepted = ACCEPTED[kind]
    if media_type not in accepted:
        told = media_type or "not a known file type"
        told_zh = media_type or "无法识别的类型"
        raise InvalidInputError(
            "file",
            f"the content is {told}; a {kind.value} must be one of {', '.join(accepted)}",
            f"文件内容为 {told_zh}；{KIND_ZH[kind]}须为 {', '.join(accepted)}",
        )
    return CheckedFile(hashlib.sha256(content).hexdigest(), media_type, len(content), kind)


def evidence_kind(value: str) -> EvidenceKind:
    """The kind named in a form; the error lists the kinds (field ``kind``)."""
    try:
        return EvidenceKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in EvidenceKind)
        raise InvalidInputError(
            "kind", f"must be one of {kinds}", f"类型须为 {kinds} 之一"
        ) from None
