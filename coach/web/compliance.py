"""The compliance officer's view of the floor: which rules get broken (by week, most often,
by team, and the calls behind each), and calibration of Coach against the officer's own
judgement. Compliance officers and administrators only, within their organisation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from coach.calibration.criteria import Verdict
from coach.charts import Bar, Chart, Series, bar_chart, line_chart
from coach.csv_export import csv_response
from coach.errors import Conflict, NotFound, ServiceError
from coach.models import CalibrationRound, Role
from coach.models._columns import utcnow
from coach.services import calibration, calls
from coach.services import compliance_reports as reports
from coach.services.rule_index import loaded_rules
from coach.transcript import Transcript
from coach.web.access import allow, roles
from coach.web.compliance_forms import BarForm, StartRoundForm, label_form
from coach.web.forms import ConfirmForm

bp = Blueprint("compliance", __name__, url_prefix="/compliance")
OFFICERS = roles(Role.COMPLIANCE, Role.ADMIN)
TOP_IN_CHARTS = 10
RULES_PER_TREND = 3


@bp.app_template_global()
def uncalibrated_criteria() -> dict[str, str]:
    """For the compliance pages: criteria the latest deciding round found uncalibrated.
    A template global (called only by the pages that show it), so it queries nothing else."""
    return calibration.uncalibrated(current_user.organisation_id)


# --- rule breaches -------------------------------------------------------------------------


@bp.route("/rules")
@allow(OFFICERS)
def rules() -> str:
    days = _days()
    top = reports.top_rules(current_user, days)
    weekly = reports.breaches_by_week(current_user)
    return render_template(
        "compliance/rules.html",
        days=days,
        windows=reports.WINDOWS,
        top=top.rules,
        calls_scored=top.calls_scored,
        top_chart=_top_chart(top.rules, days),
        weekly=weekly,
        weekly_chart=_weekly_chart(weekly, [r.rule_id for r in top.rules[:RULES_PER_TREND]]),
    )


@bp.route("/rules.csv")
@allow(OFFICERS)
def rules_csv() -> Response:
    days = _days()
    rows = reports.top_rules(current_user, days).rules
    reports.record_export(current_user, "top_rules", days=days)
    return csv_response(
        f"top-rules-{days}-days-{_today()}.csv",
        ("Rule", "Title", "Severity", "Breaches", "Calls with a breach", "Share of calls"),
        ((r.rule_id, r.title, r.severity, r.breaches, r.calls, _share(r.share)) for r in rows),
    )


@bp.route("/rules/weekly.csv")
@allow(OFFICERS)
def weekly_csv() -> Response:
    rows = reports.breaches_by_week(current_user)
    reports.record_export(current_user, "breaches_by_week")
    return csv_response(
        f"rule-breaches-by-week-{_today()}.csv",
        ("Week starting", "Rule", "Breaches"),
        ((w.week.isoformat(), w.rule_id, w.breaches) for w in rows),
    )


@bp.route("/rules/<rule>")
@allow(OFFICERS)
def rule_detail(rule: str) -> str:
    title, severity = _rule(rule)
    found = reports.rule_calls(current_user, rule)
    return render_template(
        "compliance/rule.html",
        rule_id=rule,
        title=title,
        severity=severity,
        rows=found,
        limit=reports.DRILL_LIMIT,
    )


@bp.route("/rules/<rule>/calls.csv")
@allow(OFFICERS)
def rule_calls_csv(rule: str) -> Response:
    _rule(rule)
    rows = reports.rule_calls(current_user, rule, limit=None)
    reports.record_export(current_user, "rule_calls", rule=rule)
    return csv_response(
        f"{rule}-calls-{_today()}.csv",
        ("Call", "Title", "Person", "When (UTC)", "Status", "Severity", "Turn"),
        (
            (
                r.call_id,
                r.title,
                r.person,
                r.at.strftime("%Y-%m-%d %H:%M"),
                r.status,
                r.severity,
                "" if r.turn is None else r.turn,
            )
            for r in rows
        ),
    )


@bp.route("/teams")
@allow(OFFICERS)
def teams() -> str:
    trend = reports.team_trend(current_user)
    return render_template("compliance/teams.html", trend=trend, trend_chart=_team_chart(trend))


@bp.route("/teams.csv")
@allow(OFFICERS)
def teams_csv() -> Response:
    rows = reports.team_trend(current_user)
    reports.record_export(current_user, "team_trend")
    return csv_response(
        f"breaches-by-team-{_today()}.csv",
        ("Team", "Week starting", "Calls", "Breaches", "Breaches per call"),
        ((t.team, t.week.isoformat(), t.calls, t.breaches, f"{t.per_call:.2f}") for t in rows),
    )


# --- calibration ---------------------------------------------------------------------------


@bp.route("/calibration", methods=["GET", "POST"])
@allow(OFFICERS)
def calibration_home() -> str | Response | tuple[str, int]:
    form = StartRoundForm()
    sent = form.jurisdiction.data if form.is_submitted() else None
    jurisdiction = sent if sent in calls.JURISDICTIONS else _jurisdiction()
    form.jurisdiction.data = jurisdiction
    form.criteria.choices = [
        SelectChoice(key, label) for key, label in calibration.criteria_for(jurisdiction)
    ]
    if form.validate_on_submit():
        try:
            started = calibration.start_round(
                current_user, jurisdiction, form.size.data or 0, form.criteria.data or []
            )
        except ServiceError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"Round {started.id} started with {len(started.samples)} calls.", "success")
            return redirect(url_for("compliance.round_page", round_id=started.id))
    bar_form = BarForm(min_kappa=calibration.bar(current_user.organisation_id))
    page = render_template(
        "compliance/calibration.html",
        form=form,
        bar_form=bar_form,
        rounds=calibration.rounds(current_user),
        progress_of=calibration.progress_counts,
        jurisdictions=calls.JURISDICTIONS,
        jurisdiction=jurisdiction,
        scored=len(calibration.scored_call_ids(current_user.organisation_id, jurisdiction)),
    )
    return (page, 400) if form.is_submitted() else page


@bp.route("/calibration/bar", methods=["POST"])
@allow(OFFICERS)
def calibration_bar() -> Response:
    form = BarForm()
    if form.validate_on_submit() and form.min_kappa.data is not None:
        try:
            calibration.set_bar(current_user, float(form.min_kappa.data))
        except ServiceError as error:
            flash(str(error), "error")
        else:
            flash(f"The bar is now a kappa of {float(form.min_kappa.data):.2f}.", "success")
    else:
        for messages in form.errors.values():
            for message in messages:
                flash(str(message), "error")
    return redirect(url_for("compliance.calibration_home"))


@bp.route("/calibration/<id:round_id>")
@allow(OFFICERS)
def round_page(round_id: int) -> str:
    found = _round(round_id)
    return render_template(
        "compliance/round.html",
        round=found,
        report=calibration.report(found),
        labelled=calibration.labelled_call_ids(found),
        next_call=calibration.next_unlabelled(found),
        progress=calibration.progress_counts(found),
        bar=found.min_kappa if found.closed_at else calibration.bar(found.organisation_id),
        close_form=ConfirmForm(),
        jurisdictions=calls.JURISDICTIONS,
        Verdict=Verdict,
    )


@bp.route("/calibration/<id:round_id>/calls/<id:call_id>", methods=["GET", "POST"])
@allow(OFFICERS)
def label(round_id: int, call_id: int) -> str | Response | tuple[str, int]:
    found = _round(round_id)
    try:
        call = calibration.sampled_call(found, call_id)
    except NotFound:
        abort(404)
    criteria = [(key, calibration.label_of(key, found.jurisdiction)) for key in found.criteria]
    form, names = label_form(criteria)
    saved = calibration.labels_for(found, call_id)
    if not saved and form.validate_on_submit():
        values = {key: int(form[names[key]].data) for key in found.criteria}
        try:
            calibration.save_labels(current_user, round_id, call_id, values)
        except ServiceError as error:
            form.form_errors.append(str(error))
        else:
            flash("Labels saved. Coach's answers are shown below.", "success")
            return redirect(url_for("compliance.label", round_id=round_id, call_id=call_id))
    elif saved and form.is_submitted():
        form.form_errors.append("This call is already labelled in this round; nothing changed.")
    version = calls.latest_transcript(call)
    position = [s.call_id for s in found.samples].index(call_id)
    page = render_template(
        "compliance/label.html",
        round=found,
        call=call,
        position=position,
        transcript=Transcript.model_validate(version.data) if version else None,
        form=form,
        fields=[(key, text, form[names[key]]) for key, text in criteria],
        saved=saved,
        next_call=calibration.next_unlabelled(found),
    )
    return (page, 400) if form.is_submitted() else page


@bp.route("/calibration/<id:round_id>/close", methods=["POST"])
@allow(OFFICERS)
def close_round(round_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        try:
            calibration.close_round(current_user, round_id)
        except NotFound:
            abort(404)
        except (Conflict, ServiceError) as error:
            flash(str(error), "error")
        else:
            flash("Round closed: its verdicts now apply to certification.", "success")
    return redirect(url_for("compliance.round_page", round_id=round_id))


@bp.route("/calibration/<id:round_id>/report.csv")
@allow(OFFICERS)
def round_csv(round_id: int) -> Response:
    found = _round(round_id)
    rows = calibration.report(found)
    reports.record_export(current_user, "calibration_report", round=round_id)
    return csv_response(
        f"calibration-round-{round_id}.csv",
        (
            "Criterion",
            "Key",
            "Labelled pairs",
            "Exact agreement",
            "Within one point",
            "Kappa",
            "Weighted kappa (linear)",
            "Verdict",
        ),
        (
            (
                r.label,
                r.key,
                r.n,
                _share(r.exact),
                _share(r.within_one),
                _num(r.kappa),
                _num(r.weighted_kappa),
                r.verdict.value,
            )
            for r in rows
        ),
    )


# --- helpers -------------------------------------------------------------------------------


def _round(round_id: int) -> CalibrationRound:
    try:
        return calibration.round_of(current_user, round_id)
    except NotFound:
        abort(404)


def _rule(rule_id: str) -> tuple[str, str]:
    found = loaded_rules().get(rule_id)
    if found is None:
        abort(404)
    return found.title, found.severity


def _days() -> int:
    days = request.args.get("days", type=int)
    return days if days in reports.WINDOWS else reports.WINDOWS[0]


def _jurisdiction() -> str:
    chosen = request.args.get("jurisdiction", "US")
    return chosen if chosen in calls.JURISDICTIONS else "US"


def _today() -> str:
    return utcnow().date().isoformat()


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.2f}"


def _weeks() -> list[date]:
    first = reports.first_week(reports.WEEKS)
    return [first + timedelta(weeks=i) for i in range(reports.WEEKS)]


def _weekly_chart(weekly: Sequence[reports.WeekCount], rule_ids: Iterable[str]) -> Chart:
    """All breaches per week, and the most broken rules' own lines (zero weeks drawn)."""
    totals: dict[date, int] = defaultdict(int)
    per_rule: dict[tuple[str, date], int] = defaultdict(int)
    for w in weekly:
        totals[w.week] += w.breaches
        per_rule[(w.rule_id, w.week)] += w.breaches
    weeks = _weeks()
    series = [Series("All rules", [(week, totals[week]) for week in weeks])]
    series += [
        Series(rule, [(week, per_rule[(rule, week)]) for week in weeks]) for rule in rule_ids
    ]
    high = max([*totals.values(), 1])
    return line_chart(
        series,
        chart_id="weekly-breaches",
        title=f"Rule breaches per week, last {reports.WEEKS} weeks",
        y_range=(0, high),
        y_label="Breaches",
        value_format=lambda v: f"{v:.0f}",
    )


def _top_chart(top: Sequence[reports.RuleCount], days: int) -> Chart:
    return bar_chart(
        [Bar(r.rule_id, (r.breaches,)) for r in top[:TOP_IN_CHARTS]],
        chart_id="top-rules",
        title=f"Most broken rules, last {days} days",
        segments=("Breaches",),
        label_name="Rule",
    )


def _team_chart(trend: Sequence[reports.TeamWeek]) -> Chart:
    by_team: dict[str, dict[date, float]] = defaultdict(dict)
    for t in trend:
        by_team[t.team][t.week] = t.per_call
    series = [Series(team, sorted(points.items())) for team, points in sorted(by_team.items())]
    high = max([t.per_call for t in trend] + [1.0])
    return line_chart(
        series,
        chart_id="team-trend",
        title="Breaches per call by team and week",
        y_range=(0, high),
        y_label="Breaches per call",
    )
