"""Role-play against trainee scripts: does a lawful trainee reach the objective, does one who
breaks a critical rule end in a breach, and does a careless one fail?

    .venv/bin/python bench/roleplay_scripts.py [--scripts DIR] [--model-cache DIR] [--out FILE]

Scripts are ``<scenario-id>.<kind>[-n].txt``, one reply per line, kind ``lawful``,
``unlawful`` or ``careless``, in ``DIR`` or in one folder per writer under it. The default,
``bench/sealed/roleplay/``, holds scripts by independent writers who saw only each scenario's
brief (what a trainee reads) and the rule catalog, never the graphs, the intents or the code
(README there): for those, read the figures only, never the lines, and fix a miss by what it
says about the graphs. ``bench/roleplay_dev/`` holds the dev variants the graphs were tuned
on (a tuned-on figure, not evidence). Each script is played as written with seeds 0 to
``--seeds - 1``; the debtor's answers vary by seed, the script does not.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.docs_section import machine, write_section  # noqa: E402
from bench.roleplay import load_roleplay  # noqa: E402
from coach.scenarios.analyse import ModelAnalyse  # noqa: E402
from coach.scenarios.engine import outcome, reply, start  # noqa: E402
from coach.scenarios.model import Scenario  # noqa: E402

SEALED = REPO / "bench" / "sealed" / "roleplay"
# What each kind of script must reach.
KINDS = ("lawful", "unlawful", "careless")
GOALS = {
    "lawful": "lawful scripts meeting the objective",
    "unlawful": "unlawful scripts ending in a breach",
    "careless": "careless scripts not meeting it",
}
# The endings a critical breach may lead to (the scenario's on_critical is one of them).
BREACH_KINDS = frozenset({"breach", "escalation"})


def play(
    scenario: Scenario, replies: list[str], analyse: ModelAnalyse, seed: int
) -> tuple[str, str | None]:
    """The ending kind the script reaches ("still going" when the replies run out first),
    with "+" appended when that ending meets the objective; and, when a critical violation
    ended the call, its rule id, detector, reply number and state (figures to count, not a
    line to read)."""
    state = start(scenario, seed)
    cause = None
    for number, text in enumerate(replies, 1):
        before = state.node
        step = reply(scenario, state, text, analyse)
        state = step.state
        if step.ending is not None:
            critical = [f for f in step.findings if f.critical_violation]
            if critical:
                detector = critical[0].detail.get("detector")
                cause = f"{critical[0].rule_id} ({detector}, reply {number} in {before})"
            break
    result = outcome(scenario, state)
    if result.ending is None:
        return "still going", None
    return result.ending.kind + ("+" if result.meets_objective else ""), cause


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scripts", type=Path, default=SEALED)
    parser.add_argument("--model-cache", type=Path, default=REPO / "instance" / "model-cache")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", type=Path, help="write the figures into this markdown file")
    args = parser.parse_args()
    models, heads, scenarios = load_roleplay(args.model_cache)
    writers = sorted(p for p in args.scripts.iterdir() if p.is_dir()) or [args.scripts]
    # (writer or scenario, kind) -> [scripts reaching what the kind must reach, scripts]
    by_writer: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    by_scenario: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    lawful_endings: Counter[str] = Counter()
    lawful_breaches: Counter[str] = Counter()
    for writer in writers:
        for script in sorted(writer.glob("*.txt")):
            scenario_id, kind = script.name.removesuffix(".txt").rsplit(".", 1)
            kind = kind.split("-")[0]
            scenario = scenarios[scenario_id]
            replies = [ln.strip() for ln in script.read_text("utf-8").splitlines() if ln.strip()]
            analyse = ModelAnalyse(scenario, heads, models)
            for seed in range(args.seeds):
                ending, cause = play(scenario, replies, analyse, seed)
                if kind == "lawful":
                    lawful_endings[ending] += 1
                    lawful_breaches.update([cause] if cause else [])
                hit = reaches(kind, ending)
                for tally in (by_writer[writer.name, kind], by_scenario[scenario_id, kind]):
                    tally[0] += hit
                    tally[1] += 1
    kinds = [k for k in KINDS if any(key[1] == k for key in by_writer)]
    header = ["| writer |", *(f" {GOALS[k]} |" for k in kinds)]
    rows = ["".join(header), "|---|" + "---|" * len(kinds)]
    for name in [w.name for w in writers] + ["all"]:
        cells = []
        for kind in kinds:
            hit, count = (
                [sum(v[i] for (w, k), v in by_writer.items() if k == kind) for i in (0, 1)]
                if name == "all"
                else by_writer[name, kind]
            )
            cells.append(f" {hit}/{count} |")
        rows.append(f"| {name} |" + "".join(cells))
    scenario_rows = [
        "| scenario |" + "".join(f" {k} |" for k in kinds),
        "|---|" + "---|" * len(kinds),
    ]
    for scenario_id in sorted({sid for sid, _ in by_scenario}):
        cells = "".join(
            " {}/{} |".format(*by_scenario[scenario_id, kind])
            if (scenario_id, kind) in by_scenario
            else " - |"
            for kind in kinds
        )
        scenario_rows.append(f"| {scenario_id} |{cells}")
    endings = ", ".join(f"{kind}: {n}" for kind, n in lawful_endings.most_common())
    breaches = ", ".join(f"{cause}: {n}" for cause, n in lawful_breaches.most_common())
    where = args.scripts.resolve().relative_to(REPO)
    lines = [
        f"## Role-play on trainee scripts in `{where}` (`bench/roleplay_scripts.py`)",
        "",
        f"Machine: {machine()}  ",
        f"{len(writers)} writer folder(s), seeds 0-{args.seeds - 1}. Where the "
        f"lawful scripts ended: {endings} (`+`: meets the objective). Critical findings "
        f"that ended a lawful script (rule, detector): {breaches or 'none'}.",
        "",
        *rows,
        "",
        *scenario_rows,
    ]
    markdown = "\n".join(lines)
    print(markdown)
    if args.out:
        write_section(args.out, "roleplay-scripts-" + "-".join(where.parts[1:]), markdown)


def reaches(kind: str, ending: str) -> bool:
    """Whether a script of ``kind`` reached what it must: the objective for a lawful one, a
    breach for an unlawful one, anything but the objective for a careless one."""
    if kind == "lawful":
        return ending.endswith("+")
    if kind == "unlawful":
        return ending.rstrip("+") in BREACH_KINDS
    return not ending.endswith("+")


if __name__ == "__main__":
    main()
