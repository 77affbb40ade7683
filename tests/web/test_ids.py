"""Ids in URLs are checked before they reach the database: out of range is a clean 404."""

from __future__ import annotations

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from coach.web.ids import MAX_ID

BAD_IDS = [
    "0",
    "-1",
    "007",
    "+7",
    "1e3",
    "abc",
    str(MAX_ID + 1),  # overflows a PostgreSQL integer
    "9223372036854775808",  # overflows SQLite's 64-bit integer
    "99999999999999999999999999",
]
GET_PATHS = [
    "/calls/{id}",
    "/calls/{id}/status.json",
    "/calls/{id}/transcript.json",
    "/calls/{id}/transcript.txt",
    "/calls/{id}/audio",
    "/people/{id}",
    "/admin/users/{id}",
    "/admin/teams/{id}",
]
POST_PATHS = [
    "/calls/{id}/rescore",
    "/calls/{id}/retry",
    "/calls/{id}/transcript",
    "/admin/users/{id}/reset-password",
    "/admin/teams/{id}/members/1/remove",
    "/admin/teams/1/members/{id}/remove",
]


def _is_clean_not_found(response) -> bool:
    body = response.get_data(as_text=True)
    return (
        response.status_code == 404 and "There is no page here" in body and "Traceback" not in body
    )


@pytest.mark.parametrize("bad", BAD_IDS)
def test_malformed_or_out_of_range_ids_are_not_found(
    client: FlaskClient, sign_in_as, bad: str
) -> None:
    sign_in_as("admin")
    for path in GET_PATHS:
        assert _is_clean_not_found(client.get(path.format(id=bad))), path
    for path in POST_PATHS:
        # No route matches, so not even the CSRF check is reached.
        assert _is_clean_not_found(client.post(path.format(id=bad))), path


def test_the_largest_id_reaches_the_database_and_is_simply_absent(
    client: FlaskClient, sign_in_as
) -> None:
    sign_in_as("admin")
    for path in GET_PATHS:
        assert _is_clean_not_found(client.get(path.format(id=MAX_ID))), path


def test_real_ids_still_match_and_build(
    app: Flask, client: FlaskClient, sign_in_as, people
) -> None:
    sign_in_as("admin")
    user_id = people["sam"].user_id
    assert client.get(f"/admin/users/{user_id}").status_code == 200
    with app.test_request_context():
        assert url_for("admin.edit_user", user_id=user_id) == f"/admin/users/{user_id}"
        assert url_for("calls.detail", call_id=MAX_ID) == f"/calls/{MAX_ID}"


def test_every_id_in_every_route_uses_the_checked_converter(app: Flask) -> None:
    unchecked = [
        f"{rule.rule} ({name})"
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if name.endswith("_id") and type(converter).__name__ != "IdConverter"
    ]
    assert unchecked == []
