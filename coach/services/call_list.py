"""The call list: the calls a viewer may see with their score, outcome and critical findings,
filtered, paged and exported.

Scores come from each call's ``Activity`` row (written with the scorecard, updated on
re-score and override), joined in the same query as the calls and their owners, so a page
costs the same few statements whether it shows one call or fifty. Who may see whose calls
is :mod:`coach.services.access`'s answer, never a role check here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select

from coach.extensions import db
from coach.models import Activity, ActivityKind, Call, RuleBreach, User
from coach.services import access, audit
from coach.services.rule_index import rule_titles

PER_PAGE = 50
_NEWEST_FIRST = (Call.created_at.desc(), Call.id.desc())
_EXPORT_BATCH = 1000
# A scorecard's negotiated outcome (coach.scoring.negotiation.Outcome) as people say it.
OUTCOMES = {
    "promise_to_pay": "Promise to pay",
    "payment_plan": "Payment plan",
    "dispute": "Dispute",
    "refusal": "Refusal",
    "callback": "Callback arranged",
    "none": "No outcome",
}
CSV_HEADER = (
    "Call",
    "Title",
    "Person",
    "Date (UTC)",
    "Duration (s)",
    "Status",
    "Score",
    "Outcome",
    "Critical findings",
    "Rules broken",
)  # an empty score: not scored yet, or nothing in the call could be judged


@dataclass(frozen=True)
class Scope:
    """Whose calls a viewer may see, asked of the access service once per request (the
    list, its filters' choices and its counts all read it)."""

    organisation_id: int
    viewer_id: int
    visible: frozenset[int] | None  # None: everyone in the organisation

    @property
    def sees_others(self) -> bool:
        """Whether calls other than the viewer's own are visible (then the list names people)."""
        return self.visible is None or self.visible != {self.viewer_id}


def scope_of(viewer: User) -> Scope:
    visible = access.visible_user_ids(viewer)
    return Scope(
        viewer.organisation_id, viewer.id, frozenset(visible) if visible is not None else None
    )


@dataclass(frozen=True)
class CallFilters:
    """What the list is narrowed to; ``None`` (or False) leaves a filter off."""

    person_id: int | None = None
    date_from: date | None = None  # the call's day (UTC), inclusive
    date_to: date | None = None
    score_min: float | None = None
    score_max: float | None = None
    rule_id: str | None = None
    critical_only: bool = False

    def audit_detail(self) -> dict[str, Any]:
        """The filters as audit detail: ids, dates and flags, never content."""
        return {
            "person_id": self.person_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "score_min": self.score_min,
            "score_max": self.score_max,
            "rule_id": self.rule_id,
            "critical_only": self.critical_only,
        }

    @property
    def reads_activity(self) -> bool:
        """Whether a filter reads the calls' scores, outcomes or breaches."""
        return (
            self.score_min is not None
            or self.score_max is not None
            or self.rule_id is not None
            or self.critical_only
        )


@dataclass(frozen=True)
class CallRow:
    """One call as the list shows it; ``activity`` is None until the call is scored."""

    call: Call
    person: str  # the caller's name
    activity: Activity | None

    @property
    def score(self) -> float | None:
        return self.activity.score if self.activity else None

    @property
    def outcome(self) -> str | None:
        return self.activity.outcome if self.activity else None

    @property
    def critical_findings(self) -> int:
        return self.activity.critical_findings if self.activity else 0


@dataclass(frozen=True)
class CallPage:
    rows: list[CallRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The 1-based position of the page's first row (0 when the list is empty)."""
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + len(self.rows)


def outcome_label(outcome: str | None) -> str:
    """An outcome as the list shows it; "—" when the call has none yet."""
    if not outcome:
        return "—"
    return OUTCOMES.get(outcome, outcome.replace("_", " ").capitalize())


def list_calls(
    scope: Scope, filters: CallFilters, page: int = 1, per_page: int = PER_PAGE
) -> CallPage:
    """One page of the visible calls, newest first (a page past the end shows the last)."""
    total = db.session.scalar(_counted(scope, filters)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    chosen = _page_ids(scope, filters, per_page, (page - 1) * per_page)
    query = (
        select(Call, User.name, Activity)
        .join(User, User.id == Call.owner_id)
        .outerjoin(Activity, _activity_of_call())
        .where(Call.id.in_(chosen))
        .order_by(*_NEWEST_FIRST)
    )
    rows = [CallRow(call, person, activity) for call, person, activity in db.session.execute(query)]
    return CallPage(rows, total, page, per_page)


def _counted(scope: Scope, filters: CallFilters) -> Select[int]:
    """How many calls pass ``filters``: without a score filter, from the calls alone (an
    organisation's count then reads one index, not every call's activity too)."""
    return _filtered(select(func.count(Call.id)), scope, filters, join_activity=False)


def _page_ids(scope: Scope, filters: CallFilters, limit: int, offset: int) -> Select[int]:
    """The ids of one page's calls, chosen before anything else is read of them: a late page
    then skips over index entries rather than joined rows."""
    query = _filtered(select(Call.id), scope, filters, join_activity=False)
    return query.order_by(*_NEWEST_FIRST).limit(limit).offset(offset)


def export_calls(viewer: User, scope: Scope, filters: CallFilters) -> Iterator[list[object]]:
    """Every filtered call as CSV values (in the order of :data:`CSV_HEADER`), read in
    batches as they are consumed: an export of any size holds one batch in memory. The
    export is audited at once, as it takes personal records out of Coach."""
    count = db.session.scalar(_counted(scope, filters)) or 0
    audit.record(viewer, "calls.exported", "call_list", None, rows=count, **filters.audit_detail())
    query = _export_query(scope, filters)  # built now: the rows are read after the request
    db.session.commit()
    return _export_rows(query)


def _export_query(scope: Scope, filters: CallFilters) -> Select[Any]:
    columns = select(
        Call.id,
        Call.title,
        User.name,
        Call.created_at,
        Call.duration,
        Call.status,
        Activity.score,
        Activity.outcome,
        Activity.critical_findings,
        Activity.breaches,
    ).join(User, User.id == Call.owner_id)
    query = _filtered(columns, scope, filters).order_by(*_NEWEST_FIRST)
    return query.execution_options(yield_per=_EXPORT_BATCH)


def _export_rows(query: Select[Any]) -> Iterator[list[object]]:
    rows = db.session.execute(query)
    for call_id, title, person, at, duration, status, score, outcome, critical, breaches in rows:
        yield [
            call_id,
            title,
            person,
            at.strftime("%Y-%m-%d %H:%M"),
            round(duration),
            status.value,
            f"{score:.0f}" if score is not None else "",
            outcome_label(outcome) if outcome else "",
            critical or 0,
            breaches or 0,
        ]


def visible_people(scope: Scope) -> list[tuple[int, str]]:
    """(id, name) of the people whose calls are visible (the person filter's choices)."""
    query = select(User.id, User.name).where(
        access.owned_by(User.organisation_id, User.id, scope.organisation_id, scope.visible)
    )
    return [(row.id, row.name) for row in db.session.execute(query.order_by(User.name, User.id))]


def broken_rules(scope: Scope) -> list[tuple[str, str]]:
    """(rule id, title) of every rule broken in a visible call, by id; the title is the rule
    pack's, or the id when no loaded pack has the rule any more."""
    broken = select(RuleBreach.rule_id).where(
        access.owned_by(
            RuleBreach.organisation_id, RuleBreach.person_id, scope.organisation_id, scope.visible
        )
    )
    candidates = broken.distinct().subquery()  # read from an index, calls and runs alike
    in_a_call = broken.where(
        RuleBreach.rule_id == candidates.c.rule_id,
        RuleBreach.activity_kind == ActivityKind.CALL,
    ).exists()  # stops at the rule's first breach in a call
    query = select(candidates.c.rule_id).where(in_a_call).order_by(candidates.c.rule_id)
    titles = rule_titles()
    return [(rule_id, titles.get(rule_id, rule_id)) for rule_id in db.session.scalars(query)]


def _filtered(
    query: Select[Any], scope: Scope, filters: CallFilters, join_activity: bool = True
) -> Select[Any]:
    """``query`` over calls, joined to their activity (unless ``join_activity`` is False and
    no filter needs it) and narrowed to what the viewer may see and the filters ask for."""
    query = query.select_from(Call)
    if join_activity or filters.reads_activity:
        query = query.outerjoin(Activity, _activity_of_call())
    visible = access.owned_by(
        Call.organisation_id, Call.owner_id, scope.organisation_id, scope.visible
    )
    return query.where(visible, *_conditions(filters))


def _activity_of_call() -> ColumnElement[bool]:
    return and_(Activity.kind == ActivityKind.CALL, Activity.source_id == Call.id)


def _conditions(filters: CallFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.person_id is not None:
        conditions.append(Call.owner_id == filters.person_id)
    if filters.date_from is not None:
        conditions.append(Call.created_at >= _start_of(filters.date_from))
    if filters.date_to is not None:
        conditions.append(Call.created_at < _start_of(filters.date_to + timedelta(days=1)))
    if filters.score_min is not None:
        conditions.append(Activity.score >= filters.score_min)
    if filters.score_max is not None:
        conditions.append(Activity.score <= filters.score_max)
    if filters.rule_id is not None:
        broke = exists().where(
            RuleBreach.activity_id == Activity.id, RuleBreach.rule_id == filters.rule_id
        )
        conditions.append(broke)
    if filters.critical_only:
        conditions.append(Activity.critical_findings > 0)
    return conditions


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
