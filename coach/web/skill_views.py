"""A person's skills as the pages show them: the radar against target, and a row per skill
with its interval, gap, 30-day trend and a sparkline of the last eight weeks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from coach.charts import CellStyle, Chart, RadarAxis, gap_colour, radar, sparkline
from coach.models import User
from coach.services import progress
from coach.services.progress import SkillStatus

# Below this a 30-day change is noise at the shown precision.
STEADY = 0.01


@dataclass(frozen=True)
class SkillRow:
    status: SkillStatus
    gap: CellStyle
    trend: str
    history: Chart | None


@dataclass(frozen=True)
class SkillSection:
    radar: Chart
    rows: list[SkillRow]
    statuses: list[SkillStatus]

    @property
    def any_evidence(self) -> bool:
        return any(s.estimate.evidence > 0 for s in self.statuses)


def skill_section(person: User, chart_id: str, now: datetime | None = None) -> SkillSection:
    """Everything the skills partial (``templates/progress/_skills.html``) shows."""
    statuses, history = progress.profile_with_history(person, now=now)
    axes = [
        RadarAxis(s.name, s.estimate.mean if s.estimate.enough else None, s.target)
        for s in sorted(statuses, key=lambda s: s.name)
        if s.target is not None
    ]
    chart = radar(axes, chart_id=f"{chart_id}-radar", title=f"{person.name}: skills against target")
    rows = [
        SkillRow(
            status,
            gap_colour(status.gap),
            trend_text(status.trend),
            _sparkline(status, history.get(status.skill_id), f"{chart_id}-trend-{index}"),
        )
        for index, status in enumerate(statuses)
    ]
    return SkillSection(chart, rows, statuses)


def trend_text(change: float | None) -> str:
    """The 30-day change in words a trainee reads at a glance."""
    if change is None:
        return "not enough evidence yet"
    if abs(change) < STEADY:
        return "steady"
    return f"{'up' if change > 0 else 'down'} {abs(change):.2f} in 30 days"


def _sparkline(
    status: SkillStatus, points: list[tuple[date, float | None]] | None, chart_id: str
) -> Chart | None:
    if not points or all(value is None for _, value in points):
        return None
    return sparkline(
        [value for _, value in points],
        chart_id=chart_id,
        title=f"{status.name}: weekly estimate, last {len(points)} weeks",
        labels=[when.strftime("%d %b") for when, _ in points],
    )
