"""The shared CSV export: streamed in bounded chunks (the input is read only as far as each
chunk needs), formula cells neutralised, RFC 4180 quoting with CRLF, a UTF-8 BOM for Excel,
and a sanitised attachment name; in a request, rows are read inside its context."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

import pytest
from flask import Flask, Response, request

from coach.csv_export import (
    BOM,
    CHUNK_CHARS,
    csv_chunks,
    csv_response,
    safe_cell,
    safe_filename,
)

HEADER = ("Name", "Score")


def read(text: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))


class Recording:
    """Rows on demand, counting how many have been taken."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.taken = 0

    def __iter__(self) -> Iterator[Sequence[object]]:
        for index in range(self.count):
            self.taken += 1
            yield (f"Person {index}", index)


def test_a_hundred_thousand_rows_stream_in_bounded_chunks() -> None:
    rows = Recording(100_000)
    chunks = csv_chunks(HEADER, rows)
    first = next(chunks)
    assert 0 < rows.taken < 5_000  # the first chunk went out long before the input ran dry
    sizes = [len(first)]
    lines = first.count("\r\n")
    for chunk in chunks:
        sizes.append(len(chunk))
        lines += chunk.count("\r\n")
    assert rows.taken == 100_000
    assert lines == 100_001  # the header and every row
    assert len(sizes) > 20
    assert max(sizes) < CHUNK_CHARS + 200  # never more than a chunk and one row in memory


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+44 20", "'+44 20"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Plain name", "Plain name"),
        ("a=b", "a=b"),
        (12, "12"),
        (None, ""),
    ],
)
def test_a_cell_starting_with_a_formula_character_is_neutralised(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


def test_header_and_rows_are_both_made_formula_safe() -> None:
    table = read("".join(csv_chunks(("=Name", "Score"), [("@me", -5)])))
    assert table == [["'=Name", "Score"], ["'@me", "'-5"]]


def test_commas_quotes_and_newlines_are_quoted_and_lines_end_in_crlf() -> None:
    rows = [("Smith, Jo", 'She said "no"', "two\nlines"), ("plain", "", "x")]
    text = "".join(csv_chunks(("a", "b", "c"), rows))
    assert text == (BOM + 'a,b,c\r\n"Smith, Jo","She said ""no""","two\nlines"\r\nplain,,x\r\n')
    assert read(text)[1:] == [list(rows[0]), list(rows[1])]


def test_no_rows_is_just_the_header() -> None:
    assert "".join(csv_chunks(HEADER, [])) == BOM + "Name,Score\r\n"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("certification-report-2024-05-01.csv", "certification-report-2024-05-01.csv"),
        ("../../etc/passwd", "etc-passwd.csv"),
        ('report "x"; y.csv', "report-x-y.csv"),
        ("a\r\nSet-Cookie: x=1", "a-Set-Cookie-x-1.csv"),
        ("Équipe Nord", "Equipe-Nord.csv"),
        ("コーチ", "export.csv"),
        ("", "export.csv"),
        ("x" * 300 + ".csv", "x" * 100 + ".csv"),
    ],
)
def test_filenames_are_sanitised(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_the_response_is_a_streamed_csv_attachment_read_inside_the_request() -> None:
    app = Flask(__name__)

    def rows() -> Iterator[Sequence[object]]:
        # Reading the request while the body streams works only inside stream_with_context.
        for index in range(3):
            yield (request.args["who"], index)

    @app.get("/export")
    def export() -> Response:
        return csv_response('team "north".csv', HEADER, rows())

    response = app.test_client().get("/export?who=Priya")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="team-north.csv"'
    body = response.get_data()
    assert body.startswith(BOM.encode("utf-8"))
    assert read(body.decode("utf-8")) == [
        ["Name", "Score"],
        ["Priya", "0"],
        ["Priya", "1"],
        ["Priya", "2"],
    ]


def test_outside_a_request_the_response_still_streams() -> None:
    rows = Recording(10)
    response = csv_response("x.csv", HEADER, rows)
    assert rows.taken == 0  # nothing read until the body is
    assert response.is_streamed
    assert len(read(b"".join(response.iter_encoded()).decode("utf-8"))) == 11
