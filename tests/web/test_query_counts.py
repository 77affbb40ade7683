"""No N+1 on dashboards and lists: a page runs as many SQL statements for an organisation five
times larger (twice the teams, five times the trainees, each with five times the activities)
as for a small one.

The pages are every dashboard and list page ``bench/web.py`` times (found in the URL map, as
each role that may open them, lists with filters too), so a page added later is checked
without being listed here. Both organisations live beside the demo one, so a query that
forgot to scope by organisation shows up as well as one run per row.
"""

from __future__ import annotations

from flask import Flask

from bench.seed_floor import Floor, FloorSize, seed_floor
from bench.web import (
    StatementCounter,
    api_tokens,
    floor_pages,
    role_emails,
    sign_in,
)
from tests.helpers import Login

SMALL = FloorSize(teams=2, trainees_per_team=2, activities_per_trainee=10)
LARGE = FloorSize(teams=4, trainees_per_team=5, activities_per_trainee=50)
# Pages whose statement count may differ between the two organisations by at most this many,
# with the reason: never with the number of rows, only with the measured person's state.
ALLOWED_DIFFERENCE = {
    # Per certification program, a statement or two more or fewer depending on whether the
    # trainee holds its certificate, has an open attempt or an assignment (3 programs).
    "certification.index": 3,
    "certification.program_page": 2,
}


def _statements(app: Flask, floor: Floor) -> dict[tuple[str, str], tuple[int, int]]:
    """(role, page name) -> (status, statements of one warm request) per page."""
    clients = {}
    for role, email in role_emails(floor).items():
        clients[role] = app.test_client()
        sign_in(clients[role], email, floor.password)
    tokens = api_tokens(app, floor)
    counter = StatementCounter()
    found = {}
    for page in floor_pages(app, floor):
        headers = {"Authorization": f"Bearer {tokens[page.role]}"} if page.api else {}
        client = clients[page.role]
        client.get(page.path, headers=headers).get_data()  # caches warm, as in use
        with app.app_context(), counter.counting():
            before = counter.count
            response = client.get(page.path, headers=headers)
            response.get_data()
        found[(page.role, page.name)] = (response.status_code, counter.count - before)
    return found


def test_pages_run_as_many_statements_for_a_larger_organisation(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        small = seed_floor(SMALL, name="Small floor", seed=1)
        large = seed_floor(LARGE, name="Large floor", seed=2)
    few = _statements(app, small)
    many = _statements(app, large)

    assert few.keys() == many.keys()
    assert len(few) > 40, sorted(few)  # every role's dashboards and lists were found
    refused = {page: status for page, (status, _) in {**few, **many}.items() if status != 200}
    assert not refused
    grew = {
        page: (few[page][1], many[page][1])
        for page in few
        if abs(many[page][1] - few[page][1]) > ALLOWED_DIFFERENCE.get(page[1], 0)
    }
    assert not grew, f"statements per request (small, 5x larger): {grew}"
    assert all(count > 0 for _, count in few.values())  # the counter saw the pages' queries
