"""Every route, as every role and signed out, against an explicit table of expected outcomes.

A route missing from the table fails :func:`test_every_route_has_an_entry`, so a new route
cannot ship without someone deciding who may open it. Targets include records of a peer, of
another role and of another organisation, to prove that scoping holds and not just role rules.

CSRF is switched off for the requests here (it is tested in test_auth.py): the question is
only who gets through to each action.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coach.extensions import db
from coach.models import Certificate, User
from coach.services import api_tokens
from coach.web.access import rule_for
from tests import records
from tests.helpers import sign_in

WHO = ("anonymous", "trainee", "coach", "compliance", "admin")
# The demo person signed in for each role: priya is a trainee in the coach's team.
PERSON = {"trainee": "priya", "coach": "coach", "compliance": "compliance", "admin": "admin"}


@dataclass(frozen=True)
class Case:
    method: str
    endpoint: str
    path: str  # with {placeholders} from _targets()
    anonymous: int
    trainee: int
    coach: int
    compliance: int
    admin: int

    def expected(self, who: str) -> int:
        return int(getattr(self, who))


# Targets: the trainee's own call, a peer's (another trainee of the same coach), an outsider's
# (another organisation); people and teams likewise. 302 for the anonymous visitor means sent
# to sign in (checked below).
# fmt: off
TABLE: tuple[Case, ...] = (
    # Case(method, endpoint, path, anonymous, trainee, coach, compliance, admin)
    Case("GET", "static", "/static/favicon.svg", 200, 200, 200, 200, 200),
    Case("GET", "auth.login", "/login", 200, 302, 302, 302, 302),
    Case("POST", "auth.login", "/login", 400, 302, 302, 302, 302),
    Case("GET", "auth.change_password", "/account/password", 302, 200, 200, 200, 200),
    Case("POST", "auth.change_password", "/account/password", 302, 400, 400, 400, 400),
    Case("GET", "dashboard.index", "/", 302, 200, 200, 200, 200),
    Case("GET", "dashboard.team", "/team", 302, 403, 200, 403, 403),
    Case("GET", "dashboard.compliance", "/compliance", 302, 403, 403, 200, 200),
    Case("GET", "dashboard.person", "/people/{trainee}", 302, 200, 200, 200, 200),
    Case("GET", "dashboard.person", "/people/{peer}", 302, 404, 200, 200, 200),
    Case("GET", "dashboard.person", "/people/{compliance}", 302, 404, 404, 200, 200),
    Case("GET", "dashboard.person", "/people/{outsider}", 302, 404, 404, 404, 404),
    Case("GET", "calls.index", "/calls/", 302, 200, 200, 200, 200),
    Case("GET", "calls.export_csv", "/calls/export.csv", 302, 200, 200, 200, 200),
    Case("GET", "calls.new", "/calls/new", 302, 200, 200, 403, 403),
    Case("POST", "calls.new", "/calls/new", 302, 400, 400, 403, 403),
    Case("GET", "calls.detail", "/calls/{own_call}", 302, 200, 200, 200, 200),
    Case("GET", "calls.detail", "/calls/{peer_call}", 302, 404, 200, 200, 200),
    Case("GET", "calls.detail", "/calls/{outsider_call}", 302, 404, 404, 404, 404),
    Case("GET", "calls.status", "/calls/{own_call}/status.json", 302, 200, 200, 200, 200),
    Case("GET", "calls.status", "/calls/{peer_call}/status.json", 302, 404, 200, 200, 200),
    Case("GET", "calls.status", "/calls/{outsider_call}/status.json", 302, 404, 404, 404, 404),
    Case("GET", "calls.transcript_json",
         "/calls/{own_call}/transcript.json",
         302, 200, 200, 200, 200),
    Case("GET", "calls.transcript_json",
         "/calls/{peer_call}/transcript.json",
         302, 404, 200, 200, 200),
    Case("GET", "calls.transcript_json",
         "/calls/{outsider_call}/transcript.json",
         302, 404, 404, 404, 404),
    Case("GET", "calls.audio", "/calls/{own_call}/audio", 302, 200, 200, 200, 200),
    Case("GET", "calls.audio", "/calls/{peer_call}/audio", 302, 404, 200, 200, 200),
    Case("GET", "calls.audio", "/calls/{outsider_call}/audio", 302, 404, 404, 404, 404),
    Case("GET", "calls.transcript_download",
         "/calls/{own_call}/transcript.txt",
         302, 200, 200, 200, 200),
    Case("GET", "calls.transcript_download",
         "/calls/{peer_call}/transcript.vtt",
         302, 404, 200, 200, 200),
    Case("GET", "calls.transcript_download",
         "/calls/{outsider_call}/transcript.txt",
         302, 404, 404, 404, 404),
    # Actions: a visible call gets its answer (400: no edits sent; 302: done, or refused with a
    # message), an invisible one a 404, so nothing about it leaks. Compliance reads, never
    # changes: 403 (or refused with a message).
    Case("POST", "calls.edit_transcript", "/calls/{own_call}/transcript", 302, 400, 400, 403, 400),
    Case("POST", "calls.edit_transcript",
         "/calls/{outsider_call}/transcript",
         302, 404, 404, 404, 404),
    Case("POST", "calls.rescore", "/calls/{untranscribed_call}/rescore", 302, 302, 302, 302, 302),
    Case("POST", "calls.rescore", "/calls/{outsider_call}/rescore", 302, 404, 404, 404, 404),
    Case("POST", "calls.retry", "/calls/{own_call}/retry", 302, 302, 302, 302, 302),
    Case("POST", "calls.retry", "/calls/{outsider_call}/retry", 302, 404, 404, 404, 404),
    Case("GET", "admin.users", "/admin/users", 302, 403, 403, 403, 200),
    Case("POST", "admin.users", "/admin/users", 302, 403, 403, 403, 400),
    Case("GET", "admin.edit_user", "/admin/users/{peer}", 302, 403, 403, 403, 200),
    Case("GET", "admin.edit_user", "/admin/users/{outsider}", 302, 403, 403, 403, 404),
    Case("POST", "admin.edit_user", "/admin/users/{peer}", 302, 403, 403, 403, 400),
    Case("POST", "admin.edit_user", "/admin/users/{outsider}", 302, 403, 403, 403, 404),
    Case("POST", "admin.reset_password",
         "/admin/users/{third}/reset-password",
         302, 403, 403, 403, 302),
    Case("POST", "admin.reset_password",
         "/admin/users/{outsider}/reset-password",
         302, 403, 403, 403, 404),
    Case("GET", "admin.team_list", "/admin/teams", 302, 403, 403, 403, 200),
    Case("POST", "admin.team_list", "/admin/teams", 302, 403, 403, 403, 400),
    Case("GET", "admin.team_detail", "/admin/teams/{team}", 302, 403, 403, 403, 200),
    Case("GET", "admin.team_detail", "/admin/teams/{outsider_team}", 302, 403, 403, 403, 404),
    Case("POST", "admin.team_detail", "/admin/teams/{team}", 302, 403, 403, 403, 200),
    Case("POST", "admin.team_detail", "/admin/teams/{outsider_team}", 302, 403, 403, 403, 404),
    Case("POST", "admin.remove_member",
         "/admin/teams/{team}/members/{third}/remove",
         302, 403, 403, 403, 302),
    Case("POST", "admin.remove_member",
         "/admin/teams/{outsider_team}/members/{outsider}/remove",
         302, 403, 403, 403, 404),
    Case("GET", "admin.audit_log", "/admin/audit", 302, 403, 403, 403, 200),
    # Coaching: the team pages are coaches' and admins' (a coach sees only their teams); on a
    # call, the trainee's coach or an admin reviews, overrides and asks for a re-recording, the
    # trainee answers the score, both comment; a reader (compliance) changes nothing. Empty
    # forms: 400 (drawn again with the message) where the person may act, 302 where the bare
    # form is the whole request (marked reviewed).
    Case("GET", "coaching.heat_map", "/team/skills", 302, 403, 200, 403, 200),
    Case("GET", "coaching.drilldown", "/team/people/{trainee}/skills", 302, 403, 200, 403, 200),
    Case("GET", "coaching.drilldown", "/team/people/{outsider}/skills", 302, 403, 404, 403, 404),
    Case("GET", "coaching.queue", "/team/review", 302, 403, 200, 403, 200),
    Case("GET", "coaching.practice", "/team/practice", 302, 403, 200, 403, 200),
    Case("POST", "coaching.practice", "/team/practice", 302, 403, 400, 403, 400),
    Case("POST", "coaching.cancel_practice",
         "/team/practice/999999/cancel",
         302, 403, 404, 403, 404),
    Case("POST", "coaching.comment", "/calls/{own_call}/comments", 302, 400, 400, 403, 400),
    Case("POST", "coaching.comment", "/calls/{outsider_call}/comments", 302, 404, 404, 404, 404),
    Case("POST", "coaching.call_reviewed", "/calls/{own_call}/reviewed", 302, 403, 302, 403, 302),
    Case("POST", "coaching.call_reviewed",
         "/calls/{outsider_call}/reviewed",
         302, 404, 404, 404, 404),
    Case("POST", "coaching.run_reviewed",
         "/practice/runs/{ended_run}/reviewed",
         302, 403, 302, 403, 302),
    Case("POST", "coaching.run_reviewed",
         "/practice/runs/{outsider_run}/reviewed",
         302, 404, 404, 404, 404),
    Case("POST", "coaching.override", "/calls/{own_call}/overrides", 302, 403, 400, 403, 400),
    Case("POST", "coaching.override",
         "/calls/{outsider_call}/overrides",
         302, 404, 404, 404, 404),
    # No scorecard yet: the trainee is told so (400); nobody else answers for them.
    Case("POST", "coaching.acknowledge", "/calls/{own_call}/acknowledge", 302, 400, 403, 403, 403),
    Case("POST", "coaching.dispute", "/calls/{own_call}/dispute", 302, 400, 403, 403, 403),
    Case("POST", "coaching.dispute", "/calls/{outsider_call}/dispute", 302, 404, 404, 404, 404),
    Case("POST", "coaching.rerecord", "/calls/{own_call}/rerecord", 302, 403, 400, 403, 400),
    Case("POST", "coaching.rerecord", "/calls/{outsider_call}/rerecord", 302, 404, 404, 404, 404),
    Case("POST", "coaching.resolve", "/disputes/999999/resolve", 302, 403, 404, 403, 404),
    # Deleting a call: its owner or an administrator; a coach who may see it may not delete it.
    Case("GET", "calls.delete", "/calls/{own_call}/delete", 302, 200, 403, 403, 200),
    Case("GET", "calls.delete", "/calls/{peer_call}/delete", 302, 404, 403, 403, 200),
    Case("GET", "calls.delete", "/calls/{outsider_call}/delete", 302, 404, 404, 404, 404),
    Case("POST", "calls.delete", "/calls/{outsider_call}/delete", 302, 404, 404, 404, 404),
    Case("POST", "calls.delete", "/calls/{peer_call}/delete", 302, 404, 403, 403, 302),
    # My data: everyone's own, nobody else's (the pages take no id).
    Case("GET", "privacy.index", "/my-data/", 302, 200, 200, 200, 200),
    Case("POST", "privacy.export", "/my-data/export", 302, 200, 200, 200, 200),
    Case("GET", "privacy.delete_calls", "/my-data/delete-calls", 302, 200, 200, 200, 200),
    Case("GET", "privacy.delete_account", "/my-data/delete-account", 302, 200, 200, 200, 200),
    Case("POST", "calls.delete", "/calls/{own_call}/delete", 302, 302, 403, 403, 302),
    Case("POST", "privacy.delete_calls", "/my-data/delete-calls", 302, 302, 302, 302, 302),
    # Role-play: the library and briefs are everyone's; only trainees and coaches play; a run
    # is read by its trainee, their coach, compliance and admins, replied to by its trainee.
    Case("GET", "roleplay.library", "/practice/", 302, 200, 200, 200, 200),
    Case("GET", "roleplay.brief", "/practice/scenarios/us-first-contact", 302, 200, 200, 200, 200),
    Case("POST", "roleplay.start",
         "/practice/scenarios/us-first-contact/start",
         302, 302, 302, 403, 403),
    Case("GET", "roleplay.call", "/practice/runs/{own_run}", 302, 200, 200, 200, 200),
    Case("GET", "roleplay.call", "/practice/runs/{peer_run}", 302, 404, 200, 200, 200),
    Case("GET", "roleplay.call", "/practice/runs/{outsider_run}", 302, 404, 404, 404, 404),
    # An empty reply: refused with a message (302 back to the call) for the trainee who plays.
    Case("POST", "roleplay.reply", "/practice/runs/{own_run}/reply", 302, 302, 403, 403, 403),
    Case("POST", "roleplay.reply",
         "/practice/runs/{outsider_run}/reply",
         302, 404, 404, 403, 403),
    Case("GET", "roleplay.debrief", "/practice/runs/{ended_run}/debrief", 302, 200, 200, 200, 200),
    Case("GET", "roleplay.debrief",
         "/practice/runs/{outsider_run}/debrief",
         302, 404, 404, 404, 404),
    Case("GET", "roleplay.voice",
         "/practice/runs/{own_run}/voice/0/0.wav",
         302, 200, 200, 200, 200),
    Case("GET", "roleplay.voice",
         "/practice/runs/{outsider_run}/voice/0/0.wav",
         302, 404, 404, 404, 404),
    Case("POST", "roleplay.restart", "/practice/runs/{own_run}/restart", 302, 302, 403, 403, 403),
    Case("POST", "roleplay.restart",
         "/practice/runs/{outsider_run}/restart",
         302, 404, 404, 403, 403),
    # Health: a load balancer's probes, open to anyone.
    Case("GET", "health.live", "/healthz", 200, 200, 200, 200, 200),
    Case("GET", "health.ready", "/readyz", 200, 200, 200, 200, 200),
    Case("GET", "metrics.scrape", "/metrics", 404, 404, 404, 404, 404),
    # Certification: anyone signed in may sit a program; attempts and certificates are their
    # holder's, readable by their coach, compliance and admins; verification is public.
    Case("GET", "certification.index", "/certification/", 302, 200, 200, 200, 200),
    Case("GET", "certification.program_page",
         "/certification/programs/uk-conc7-foundation",
         302, 200, 200, 200, 200),
    Case("GET", "certification.program_page",
         "/certification/programs/nope",
         302, 404, 404, 404, 404),
    # Start: the trainee already holds a certificate of this program (refused with a message).
    Case("POST", "certification.start",
         "/certification/programs/uk-conc7-foundation/start",
         302, 302, 302, 302, 302),
    Case("GET", "certification.attempt",
         "/certification/attempts/{own_attempt}",
         302, 200, 200, 200, 200),
    Case("GET", "certification.attempt",
         "/certification/attempts/{peer_attempt}",
         302, 404, 200, 200, 200),
    Case("GET", "certification.attempt",
         "/certification/attempts/{outsider_attempt}",
         302, 404, 404, 404, 404),
    # An empty answer to one question: refused with a message (302 back) for its taker only.
    Case("POST", "certification.save_answer",
         "/certification/attempts/{own_attempt}/answers/1",
         302, 302, 404, 404, 404),
    Case("POST", "certification.save_answer",
         "/certification/attempts/{outsider_attempt}/answers/1",
         302, 404, 404, 404, 404),
    Case("POST", "certification.save",
         "/certification/attempts/{own_attempt}/save",
         302, 302, 404, 404, 404),
    Case("POST", "certification.save",
         "/certification/attempts/{peer_attempt}/save",
         302, 404, 404, 404, 404),
    Case("POST", "certification.submit",
         "/certification/attempts/{peer_attempt}/submit",
         302, 404, 404, 404, 404),
    Case("GET", "certification.certificate_file",
         "/certification/certificates/{own_certificate}.pdf",
         302, 200, 200, 200, 200),
    Case("GET", "certification.certificate_file",
         "/certification/certificates/{outsider_certificate}.pdf",
         302, 404, 404, 404, 404),
    Case("GET", "verify.certificate", "/verify/{own_code}", 200, 200, 200, 200, 200),
    Case("GET", "verify.certificate", "/verify/no-such-code", 404, 404, 404, 404, 404),
    # Certification management: compliance officers and admins only, within their organisation
    # (an empty assignment or revocation form: 400; a record elsewhere or none: 404).
    Case("GET", "certification_admin.report", "/certification/manage/", 302, 403, 403, 200, 200),
    Case("GET", "certification_admin.report_csv",
         "/certification/manage/report.csv",
         302, 403, 403, 200, 200),
    Case("GET", "certification_admin.assignment_list",
         "/certification/manage/assignments",
         302, 403, 403, 200, 200),
    Case("POST", "certification_admin.assignment_list",
         "/certification/manage/assignments",
         302, 403, 403, 400, 400),
    Case("POST", "certification_admin.cancel_assignment",
         "/certification/manage/assignments/999999/cancel",
         302, 403, 403, 404, 404),
    Case("GET", "certification_admin.certificate_list",
         "/certification/manage/certificates",
         302, 403, 403, 200, 200),
    Case("POST", "certification_admin.revoke",
         "/certification/manage/certificates/{own_certificate}/revoke",
         302, 403, 403, 400, 400),
    Case("POST", "certification_admin.revoke",
         "/certification/manage/certificates/{outsider_certificate}/revoke",
         302, 403, 403, 404, 404),
    Case("GET", "certification_admin.item_analysis",
         "/certification/manage/programs/uk-conc7-foundation/items",
         302, 403, 403, 200, 200),
    Case("GET", "certification_admin.item_analysis",
         "/certification/manage/programs/nope/items",
         302, 403, 403, 404, 404),
    # Question editor: compliance officers and admins only; every form below is sent empty,
    # so each is refused (400) and stores nothing.
    Case("GET", "question_editor.bank_list", "/certification/questions/",
         302, 403, 403, 200, 200),
    Case("GET", "question_editor.bank_page",
         "/certification/questions/banks/uk-vulnerability-and-contact",
         302, 403, 403, 200, 200),
    Case("GET", "question_editor.bank_page", "/certification/questions/banks/nope",
         302, 403, 403, 404, 404),
    Case("GET", "question_editor.question_page",
         "/certification/questions/banks/uk-vulnerability-and-contact/questions/ukv-01",
         302, 403, 403, 200, 200),
    Case("GET", "question_editor.question_page",
         "/certification/questions/banks/uk-vulnerability-and-contact/questions/nope",
         302, 403, 403, 404, 404),
    Case("GET", "question_editor.edit",
         "/certification/questions/banks/uk-vulnerability-and-contact/questions/ukv-01/edit",
         302, 403, 403, 200, 200),
    Case("POST", "question_editor.edit",
         "/certification/questions/banks/uk-vulnerability-and-contact/questions/ukv-01/edit",
         302, 403, 403, 400, 400),
    Case("GET", "question_editor.new",
         "/certification/questions/banks/uk-vulnerability-and-contact/new",
         302, 403, 403, 200, 200),
    Case("POST", "question_editor.new",
         "/certification/questions/banks/uk-vulnerability-and-contact/new",
         302, 403, 403, 400, 400),
    Case("POST", "question_editor.retire",
         "/certification/questions/banks/uk-vulnerability-and-contact/questions/ukv-01/retire",
         302, 403, 403, 400, 400),
    Case("POST", "question_editor.restore",
         "/certification/questions/banks/uk-vulnerability-and-contact/questions/ukv-01/restore",
         302, 403, 403, 400, 400),
    # API tokens: everyone manages their own (an empty form: 400); an administrator sees and
    # revokes any in the organisation; nobody else's token is even found.
    Case("GET", "api_tokens.index", "/account/api-tokens", 302, 200, 200, 200, 200),
    Case("POST", "api_tokens.index", "/account/api-tokens", 302, 400, 400, 400, 400),
    Case("GET", "api_tokens.organisation", "/admin/api-tokens", 302, 403, 403, 403, 200),
    Case("POST", "api_tokens.revoke",
         "/account/api-tokens/{own_token}/revoke",
         302, 302, 404, 404, 302),
    Case("POST", "api_tokens.revoke",
         "/account/api-tokens/{outsider_token}/revoke",
         302, 404, 404, 404, 404),
    # The JSON API answers to bearer tokens only: a signed-in session counts for nothing (401).
    Case("GET", "api.people", "/api/v1/people", 401, 401, 401, 401, 401),
    Case("GET", "api.person", "/api/v1/people/{trainee}", 401, 401, 401, 401, 401),
    Case("GET", "api.skills", "/api/v1/people/{trainee}/skills", 401, 401, 401, 401, 401),
    Case("GET", "api.activities", "/api/v1/activities", 401, 401, 401, 401, 401),
    Case("GET", "api.certificates", "/api/v1/certificates", 401, 401, 401, 401, 401),
    # The compliance view of the floor: officers and admins, within their organisation (a
    # rule nobody knows, a round elsewhere or none: 404; an empty start form: 400).
    Case("GET", "compliance.rules", "/compliance/rules", 302, 403, 403, 200, 200),
    Case("GET", "compliance.rules_csv", "/compliance/rules.csv", 302, 403, 403, 200, 200),
    Case("GET", "compliance.weekly_csv", "/compliance/rules/weekly.csv",
         302, 403, 403, 200, 200),
    Case("GET", "compliance.rule_detail", "/compliance/rules/US-FDCPA-1692e4-THREAT-ARREST",
         302, 403, 403, 200, 200),
    Case("GET", "compliance.rule_detail", "/compliance/rules/NOPE", 302, 403, 403, 404, 404),
    Case("GET", "compliance.rule_calls_csv",
         "/compliance/rules/US-FDCPA-1692e4-THREAT-ARREST/calls.csv",
         302, 403, 403, 200, 200),
    Case("GET", "compliance.teams", "/compliance/teams", 302, 403, 403, 200, 200),
    Case("GET", "compliance.teams_csv", "/compliance/teams.csv", 302, 403, 403, 200, 200),
    Case("GET", "compliance.calibration_home", "/compliance/calibration",
         302, 403, 403, 200, 200),
    Case("POST", "compliance.calibration_home", "/compliance/calibration",
         302, 403, 403, 400, 400),
    Case("POST", "compliance.calibration_bar", "/compliance/calibration/bar",
         302, 403, 403, 302, 302),
    Case("GET", "compliance.round_page", "/compliance/calibration/999999",
         302, 403, 403, 404, 404),
    Case("GET", "compliance.label", "/compliance/calibration/999999/calls/{own_call}",
         302, 403, 403, 404, 404),
    Case("POST", "compliance.label", "/compliance/calibration/999999/calls/{own_call}",
         302, 403, 403, 404, 404),
    Case("POST", "compliance.close_round", "/compliance/calibration/999999/close",
         302, 403, 403, 404, 404),
    Case("GET", "compliance.round_csv", "/compliance/calibration/999999/report.csv",
         302, 403, 403, 404, 404),
    # Last: they end the session the cases above run in (an administrator's own account is
    # refused with a message, then signed out).
    Case("POST", "privacy.delete_account", "/my-data/delete-account", 302, 302, 302, 302, 302),
    Case("POST", "auth.logout", "/logout", 302, 302, 302, 302, 302),
)
# fmt: on


def _targets(app: Flask, people) -> dict[str, int]:
    with app.app_context():
        outsider = records.other_organisation_trainee()
        return {
            "trainee": people["priya"].user_id,
            "peer": people["sam"].user_id,
            "third": people["jordan"].user_id,
            "compliance": people["compliance"].user_id,
            "outsider": outsider.user_id,
            "own_call": records.transcribed_call(people["priya"].user_id),
            "untranscribed_call": records.transcribed_call(
                people["priya"].user_id, transcript=False
            ),
            "peer_call": records.transcribed_call(people["sam"].user_id),
            "outsider_call": records.transcribed_call(outsider.user_id),
            "own_run": records.scenario_run(people["priya"].user_id),
            "ended_run": records.scenario_run(
                people["priya"].user_id, "us-dispute-validation", ended=True
            ),
            "peer_run": records.scenario_run(people["sam"].user_id),
            "outsider_run": records.scenario_run(outsider.user_id),
            "own_attempt": records.quiz_attempt(people["priya"].user_id, "in-rbi-recovery-agent"),
            "peer_attempt": records.quiz_attempt(people["sam"].user_id),
            "outsider_attempt": records.quiz_attempt(outsider.user_id),
            "own_certificate": (own_certificate := records.certificate_of(people["priya"].user_id)),
            "own_code": db.session.get(Certificate, own_certificate).code,
            "outsider_certificate": records.certificate_of(outsider.user_id),
            "own_token": _api_token_of(people["priya"].user_id),
            "outsider_token": _api_token_of(outsider.user_id),
            "team": records.team_of(people["priya"].user_id),
            "outsider_team": records.team_of(outsider.user_id),
        }


def _api_token_of(user_id: int) -> int:
    owner = db.session.get(User, user_id)
    assert owner is not None
    return api_tokens.create_token(owner, "LMS sync").token.id


def test_every_route_has_an_entry(app: Flask) -> None:
    routes = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }
    covered = {(case.method, case.endpoint) for case in TABLE}
    assert sorted(routes - covered) == [], "add these routes to TABLE"
    assert sorted(covered - routes) == [], "TABLE names routes that no longer exist"


@pytest.mark.parametrize("who", WHO)
def test_each_role_gets_exactly_the_expected_outcome(
    app: Flask, client: FlaskClient, people, monkeypatch: pytest.MonkeyPatch, who: str
) -> None:
    targets = _targets(app, people)
    if who != "anonymous":
        sign_in(client, people[PERSON[who]])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    wrong = []
    for case in TABLE:
        path = case.path.format(**targets)
        with client.open(path, method=case.method) as response:
            got, want = response.status_code, case.expected(who)
            location = response.headers.get("Location", "")
        sent_to_sign_in = location.startswith("/login?next=")
        if got != want:
            wrong.append(f"{case.method} {path}: got {got}, expected {want}")
        elif who == "anonymous" and rule_for(case.endpoint, app).signed_in and not sent_to_sign_in:
            wrong.append(f"{case.method} {path}: sent to {location!r}, not to sign in")
    assert wrong == []
