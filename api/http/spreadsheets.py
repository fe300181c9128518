"""XLSX answers for people who work in Excel or WPS: sheets of rows, written by openpyxl.

The workbook is written in openpyxl's write-only mode into a spooled temporary
file (memory up to a few MB, disk beyond), then streamed. Text that starts with
``=`` stays text, never a formula, and characters a workbook cannot hold
(control characters) are replaced, so no recorded value can break the file or
run in the reader's spreadsheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from fastapi.responses import StreamingResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from domain.claim import BUSINESS_TZ

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IN_MEMORY_BYTES = 4 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
TIME_NOTE = "Beijing time, UTC+08:00"


@dataclass(frozen=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


def cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A cell for ``value``: times in business time (a workbook holds no offset), text as text."""
    if isinstance(value, datetime):
        return WriteOnlyCell(sheet, value.astimezone(BUSINESS_TZ).replace(tzinfo=None))
    if value is None or isinstance(value, (int, float)):
        return WriteOnlyCell(sheet, value)
    text = value if isinstance(value, str) else str(value)
    written = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))
    written.data_type = "s"  # "=…" would otherwise become a formula
    return written


def write_workbook(sheets: Iterable[Sheet], into: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        written = workbook.create_sheet(sheet.title)
        written.append([cell(written, name) for name in sheet.header])
        for row in sheet.rows:
            written.append([cell(written, value) for value in row])
    workbook.save(into)


def chunks(spool: IO[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk


def xlsx_response(
    sheets: Iterable[Sheet], filename: str, headers: dict[str, str] | None = None
) -> StreamingResponse:
    """The workbook as an attachment named ``filename``."""
    spool = SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 (closed by chunks)
    write_workbook(sheets, spool)
    spool.seek(0)
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return StreamingResponse(
        chunks(spool), media_type=XLSX_MEDIA_TYPE, headers={**(headers or {}), **disposition}
    )
