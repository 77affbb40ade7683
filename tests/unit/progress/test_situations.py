"""Rare, high-risk situations come back on a widening schedule (spaced repetition)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coach.progress.situations import Practice, Situation, next_due

START = datetime(2026, 10, 1, tzinfo=UTC)
INTERVALS = (3, 7, 14)
CEASE = Situation(id="cease", name="Cease", why="It matters.", scenarios=("us-cease",))


def _day(n: float) -> datetime:
    return START + timedelta(days=n)


def test_never_practised_is_due_now() -> None:
    due = next_due(CEASE, [], INTERVALS)
    assert (due.due_at, due.last_practised, due.good_runs_in_a_row) == (None, None, 0)


def test_each_good_run_pushes_the_next_further_out_and_the_last_interval_repeats() -> None:
    runs = [Practice(_day(0), True), Practice(_day(7), True), Practice(_day(20), True)]
    assert next_due(CEASE, runs[:1], INTERVALS).due_at == _day(0 + 7)
    assert next_due(CEASE, runs[:2], INTERVALS).due_at == _day(7 + 14)
    assert next_due(CEASE, runs, INTERVALS).due_at == _day(20 + 14)


def test_a_failed_run_starts_the_schedule_again() -> None:
    runs = [Practice(_day(0), True), Practice(_day(7), True), Practice(_day(21), False)]
    due = next_due(CEASE, runs, INTERVALS)
    assert (due.due_at, due.good_runs_in_a_row) == (_day(21 + 3), 0)


def test_cramming_the_same_day_counts_once() -> None:
    runs = [Practice(_day(0), True), Practice(_day(0.1), True), Practice(_day(0.2), True)]
    due = next_due(CEASE, list(reversed(runs)), INTERVALS)
    assert due.good_runs_in_a_row == 1 and due.last_practised == _day(0.2)
