"""Role-play on the real models: does each scripted path reach its ending, do the intent heads
hear what the script says each reply does, and how long a typed reply takes to answer.

    .venv/bin/python bench/roleplay.py [--model-cache DIR] [--out docs/benchmarks.md]

The scripted paths (``tests/unit/scenarios/paths/``) were written with each reply's intents and
findings spelled out; the unit tests walk them with those labels. Here the same replies go
through :class:`~coach.scenarios.analyse.ModelAnalyse` (intent heads, and the scoring engine over
the call so far), as a trainee's typed replies would. Timing is server-side, models loaded:
one reply in, the debtor's line out (the target is 150 ms at the 95th percentile).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.docs_section import machine, write_section  # noqa: E402
from bench.metrics import f1  # noqa: E402
from coach.catalog import load_catalog  # noqa: E402
from coach.catalog.kinds import INTENT_LINES, SCENARIOS  # noqa: E402
from coach.engines import intent_heads, load_scoring_models  # noqa: E402
from coach.nlp.encoder import load_default_encoder  # noqa: E402
from coach.scenarios.analyse import ModelAnalyse  # noqa: E402
from coach.scenarios.engine import Step, reply, start  # noqa: E402
from coach.scenarios.intent_model import IntentHeads  # noqa: E402
from coach.scenarios.model import Scenario  # noqa: E402
from coach.scoring.pipeline import ScoringModels  # noqa: E402
from tests.unit.scenarios.paths import Path as ScriptedPath  # noqa: E402
from tests.unit.scenarios.paths import scenario_paths  # noqa: E402

SEED = 0


def walk(
    scenario: Scenario, path: ScriptedPath, analyse: ModelAnalyse
) -> tuple[list[Step], list[float]]:
    """The path's replies through the engine until an ending, with each reply's seconds."""
    state, steps, seconds = start(scenario, SEED), [], []
    for text, _, _ in path.turns:
        begin = time.perf_counter()
        step = reply(scenario, state, text, analyse)
        seconds.append(time.perf_counter() - begin)
        steps.append(step)
        state = step.state
        if step.ending is not None:
            break
    return steps, seconds


def load_roleplay(
    model_cache: Path,
) -> tuple[ScoringModels, IntentHeads, dict[str, Scenario]]:
    """The shipped content's scoring models, intent heads and scenarios (by id), trained into
    ``model_cache`` on first use."""
    model_cache.mkdir(parents=True, exist_ok=True)
    catalog = load_catalog(REPO / "content")
    encoder = load_default_encoder(cache_dir=model_cache)
    models = load_scoring_models(catalog, model_cache, encoder)
    heads = intent_heads(catalog.get(INTENT_LINES), encoder, model_cache)
    assert heads is not None
    return models, heads, {s.id: s for s in catalog.get(SCENARIOS)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-cache", type=Path, default=REPO / "instance" / "model-cache")
    parser.add_argument("--out", type=Path, help="write the figures into this markdown file")
    args = parser.parse_args()
    models, heads, scenarios = load_roleplay(args.model_cache)
    rows = [
        "| scenario | lawful path ends | unlawful path ends | intents P / R (scripted as gold) |",
        "|---|---|---|---|",
    ]
    tp = fp = fn = 0
    reached = {"lawful": 0, "unlawful": 0}
    seconds: list[float] = []
    for scenario_id, (lawful, unlawful) in sorted(scenario_paths().items()):
        scenario = scenarios[scenario_id]
        analyse = ModelAnalyse(scenario, heads, models)
        cells = []
        mine = [0, 0, 0]
        for name, path in (("lawful", lawful), ("unlawful", unlawful)):
            steps, took = walk(scenario, path, analyse)
            seconds += took
            ending = steps[-1].ending
            ok = ending == path.ending
            reached[name] += ok
            cells.append("yes" if ok else f"no ({ending.kind if ending else 'still going'})")
            for step, (_, gold, _) in zip(steps, path.turns, strict=False):
                heard, wanted = set(step.intents), set(gold)
                mine[0] += len(heard & wanted)
                mine[1] += len(heard - wanted)
                mine[2] += len(wanted - heard)
        tp, fp, fn = tp + mine[0], fp + mine[1], fn + mine[2]
        p, r, _ = f1(*mine)
        rows.append(f"| {scenario_id} | {cells[0]} | {cells[1]} | {p:.2f} / {r:.2f} |")
    p, r, f = f1(tp, fp, fn)
    count = len(scenario_paths())
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    lines = [
        "## Role-play on the real models (`bench/roleplay.py`)",
        "",
        f"Machine: {machine()}  ",
        f"Seed {SEED}; {len(seconds)} typed replies.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| lawful scripted paths reaching their success ending | {reached['lawful']}/{count} |",
        f"| unlawful scripted paths reaching their breach ending | {reached['unlawful']}/{count} |",
        f"| intents heard against the scripts: P / R / F1 | {p:.2f} / {r:.2f} / {f:.2f} |",
        f"| typed reply to debtor line, median / p95 (target p95 <= 0.150 s) | "
        f"{statistics.median(seconds):.3f} s / {p95:.3f} s |",
        "",
        *rows,
    ]
    markdown = "\n".join(lines)
    print(markdown)
    if args.out:
        write_section(args.out, "roleplay", markdown)


if __name__ == "__main__":
    main()
