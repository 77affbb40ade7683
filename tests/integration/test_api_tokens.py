"""API tokens as a service: what is stored, who may revoke, what each refusal says, how
``last_used_at`` and the per-token allowance move, and the certificate status filter."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from coach.api.queries import status_clause
from coach.errors import Conflict, Forbidden, NotFound, ServiceError
from coach.extensions import db
from coach.models import ApiToken, AuditEntry, Certificate, User
from coach.models._columns import as_utc
from coach.services import api_tokens
from coach.services.certificates import CertificateStatus, status_of
from coach.services.user_limits import RateLimited
from tests import records

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _user(people, key: str) -> User:
    user = db.session.get(User, people[key].user_id)
    assert user is not None
    return user


def test_only_a_hash_and_a_short_prefix_are_stored(app: Flask, people) -> None:
    with app.app_context():
        created = api_tokens.create_token(_user(people, "priya"), "  LMS sync  ")
        secret = created.secret
        assert secret.startswith("coach_") and len(secret) == 6 + 43
        row = db.session.get(ApiToken, created.token.id)
        assert row.name == "LMS sync" and row.prefix == secret[:12]
        assert row.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
        created_entry = db.session.query(AuditEntry).filter_by(action="api_token_created").one()
        assert created_entry.target_id == row.id and secret not in repr(created_entry.detail)
        assert api_tokens.authenticate(secret).id == people["priya"].user_id


def test_names_and_expiry_dates_are_checked(app: Flask, people) -> None:
    with app.app_context():
        priya = _user(people, "priya")
        for name in ("", "x" * 81):
            with pytest.raises(ServiceError):
                api_tokens.create_token(priya, name)
        with pytest.raises(ServiceError, match="after today"):
            api_tokens.create_token(priya, "LMS", NOW.date(), now=NOW)
        created = api_tokens.create_token(priya, "LMS", NOW.date() + timedelta(days=1), now=NOW)
        assert as_utc(created.token.expires_at) == NOW.replace(hour=0) + timedelta(days=1)


def test_who_may_revoke(app: Flask, people) -> None:
    with app.app_context():
        outsider = db.session.get(User, records.other_organisation_trainee().user_id)
        token = api_tokens.create_token(_user(people, "priya"), "LMS").token
        elsewhere = api_tokens.create_token(outsider, "LMS").token
        for key in ("sam", "coach", "compliance"):
            with pytest.raises(NotFound):
                api_tokens.revoke(_user(people, key), token.id)
        with pytest.raises(NotFound):
            api_tokens.revoke(_user(people, "admin"), elsewhere.id)
        with pytest.raises(Forbidden):
            api_tokens.organisation_tokens(_user(people, "compliance"))
        admin = _user(people, "admin")
        assert [t.id for t in api_tokens.organisation_tokens(admin)] == [token.id]
        revoked = api_tokens.revoke(admin, token.id, now=NOW)
        assert revoked.revoked_by_id == admin.id and api_tokens.status_of(revoked) == "revoked"
        with pytest.raises(Conflict):
            api_tokens.revoke(_user(people, "priya"), token.id)
        assert api_tokens.tokens_of(_user(people, "priya")) == [revoked]  # kept as history


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda token: setattr(token, "revoked_at", NOW - timedelta(days=1)), "token_revoked"),
        (lambda token: setattr(token, "expires_at", NOW), "token_expired"),
        (lambda token: setattr(token.user, "active", False), "account_inactive"),
    ],
)
def test_each_refusal_has_its_code(app: Flask, people, change, code: str) -> None:
    with app.app_context():
        created = api_tokens.create_token(_user(people, "coach"), "HR", now=NOW - timedelta(days=2))
        change(created.token)
        db.session.commit()
        with pytest.raises(api_tokens.TokenRefused) as refused:
            api_tokens.authenticate(created.secret, now=NOW)
        assert refused.value.code == code


def test_last_used_moves_at_most_once_a_minute_and_the_allowance_is_per_minute(
    app: Flask, people, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config["COACH"], "API_REQUESTS_PER_MINUTE", 3)
    with app.app_context():
        created = api_tokens.create_token(_user(people, "coach"), "HR", now=NOW)
        token_id = created.token.id

        def used_at(moment: datetime) -> datetime | None:
            api_tokens.authenticate(created.secret, now=moment)
            db.session.expire_all()
            last = db.session.get(ApiToken, token_id).last_used_at
            return as_utc(last) if last else None

        assert used_at(NOW) == NOW
        assert used_at(NOW + timedelta(seconds=30)) == NOW
        assert used_at(NOW + timedelta(seconds=59)) == NOW
        with pytest.raises(RateLimited) as limited:
            api_tokens.authenticate(created.secret, now=NOW + timedelta(seconds=45))
        assert limited.value.retry_after == 15
        later = NOW + timedelta(seconds=61)
        assert used_at(later) == later  # a new minute, a new allowance


def test_the_certificate_status_filter_agrees_with_status_of(app: Flask, people) -> None:
    with app.app_context():
        ids = [records.certificate_of(people[key].user_id) for key in ("priya", "sam", "jordan")]
        extra = records.certificate_of(people["coach"].user_id)
        rows = [db.session.get(Certificate, i) for i in (*ids, extra)]
        rows[0].revoked_at, rows[0].recertify_since = NOW, NOW  # revoked outranks the flag
        rows[1].recertify_since = NOW
        rows[2].expires_at = NOW - timedelta(days=1)
        rows[3].expires_at = NOW + timedelta(days=1)
        db.session.commit()
        for status in CertificateStatus:
            in_sql = set(
                db.session.scalars(db.select(Certificate.id).where(status_clause(status, NOW)))
            )
            in_python = {row.id for row in rows if status_of(row, NOW) == status}
            assert in_sql == in_python, status
            assert in_python, f"no certificate was {status}"
