"""CSV downloads, streamed: every export (certification reports, call lists...) goes through
``csv_response`` so each one gets the same contract.

- **Streamed.** Rows are written as they are read, in chunks of about 32 KiB, so an export of
  any length never sits in memory whole. In a request, the generator runs inside
  ``stream_with_context``, so ``rows`` may be a lazy database query.
- **Formula-safe.** A spreadsheet runs a cell that starts with ``= + - @``, a tab or a carriage
  return as a formula (CSV injection); such cells get a leading apostrophe.
- **Spreadsheet-friendly.** UTF-8 with a byte-order mark, CRLF line ends (RFC 4180). The BOM
  is there because Excel, which most officers will open these in, reads a CSV without one
  in the local ANSI code page and garbles every name with an accent or a non-Latin script;
  LibreOffice, Numbers, pandas and Python's ``utf-8-sig`` all skip it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from flask import Response, has_request_context, stream_with_context

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CHUNK_CHARS = 32 * 1024
CONTENT_TYPE = "text/csv; charset=utf-8"
_NOT_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_cell(value: object) -> str:
    """``value`` as a CSV cell a spreadsheet shows rather than runs: text starting with a
    formula character gets a leading apostrophe; ``None`` is an empty cell."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_filename(name: str) -> str:
    """``name`` fit for a Content-Disposition header: ASCII letters, digits, ``. - _`` only
    (accents dropped, anything else a dash), at most 100 characters, ending in ``.csv``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = ascii_name[:-4] if ascii_name.lower().endswith(".csv") else ascii_name
    cleaned = _NOT_FILENAME.sub("-", stem).strip(".-_")[:100].rstrip(".-_")
    return f"{cleaned or 'export'}.csv"


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text (BOM, header, rows) in chunks of about ``CHUNK_CHARS``, reading ``rows``
    only as far as the chunk being written needs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    """A streamed ``text/csv`` attachment named ``filename`` (sanitised). Check access and
    audit *before* calling this: nothing in ``rows`` is read until the body is sent."""
    chunks = (chunk.encode("utf-8") for chunk in csv_chunks(header, rows))
    return Response(
        stream_with_context(chunks) if has_request_context() else chunks,
        content_type=CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{safe_filename(filename)}"'},
    )
