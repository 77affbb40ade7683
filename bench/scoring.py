"""Scoring speed: a full scorecard of a synthetic 10-minute call (150 turns) after loading.

    .venv/bin/python bench/scoring.py [--runs 5] [--turns 150] [--out docs/benchmarks.md]

The call is built by cycling the dev-set calls' turns with times spread over ten minutes.
"Warm" runs score the same text again (every embedding is cached, as when a call is
re-scored); "cold" runs open every turn with different spoken fillers first ("so um",
"well right"…), so each run embeds all of its text, as a newly transcribed call does, while
the turns keep their sentences (an added sentence would make every turn longer than the real
ones). Medians of ``--runs`` runs are reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.docs_section import machine, write_section  # noqa: E402
from coach.catalog import load_catalog  # noqa: E402
from coach.engines import load_scoring_models  # noqa: E402
from coach.nlp.encoder import load_default_encoder  # noqa: E402
from coach.scoring.pipeline import score_transcript  # noqa: E402

CALLS = REPO / "tests" / "data" / "scoring" / "calls"
CALL_SECONDS = 600.0
TARGET_S = 1.0
# Spoken openers that keep a turn's meaning but change its text (so its embedding is new):
# run r, lap l opens with _FIRST[r] + _SECOND[l], unique for up to 8 runs of 8 laps.
_FIRST = ("", "So", "Well", "Okay", "Right", "Now", "Alright", "Look", "Yeah")
_SECOND = ("", "um", "uh", "then", "you know", "I mean", "see", "like", "listen")


def synthetic_call(turn_count: int, run: int) -> dict:
    """``turn_count`` US dev-set turns in a row, timed over ten minutes, varied by ``run``."""
    source = []
    for path in sorted(CALLS.glob("*.json")):
        call = json.loads(path.read_text(encoding="utf-8"))
        if call["jurisdiction"] == "US":
            source += call["transcript"]["turns"]
    step = CALL_SECONDS / turn_count
    turns = []
    if turn_count > len(source) * len(_SECOND):
        raise ValueError(f"at most {len(source) * len(_SECOND)} turns")
    for i in range(turn_count):
        turn = source[i % len(source)]
        opener = " ".join(w for w in (_FIRST[run], _SECOND[i // len(source)]) if w)
        text = f"{opener}, {turn['text']}" if opener else turn["text"]
        start = round(i * step, 2)
        turns.append(
            {"speaker": turn["speaker"], "text": text, "start": start, "end": start + step - 0.3}
        )
    return {"turns": turns, "duration": CALL_SECONDS}


def timed(call: dict, models) -> float:
    begin = time.perf_counter()
    score_transcript(call, "US", {"call_type": "follow_up"}, models)
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--turns", type=int, default=150)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()
    if not 1 <= args.runs < len(_FIRST):
        parser.error(f"--runs must be 1 to {len(_FIRST) - 1} (each cold run needs its own opener)")
    begin = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        catalog = load_catalog(REPO / "content")
        models = load_scoring_models(catalog, Path(cache), load_default_encoder())
        load_s = time.perf_counter() - begin
        base = synthetic_call(args.turns, 0)
        timed(base, models)  # fills the embedding cache for the warm runs
        warm = statistics.median(timed(base, models) for _ in range(args.runs))
        cold = statistics.median(
            timed(synthetic_call(args.turns, run), models) for run in range(1, args.runs + 1)
        )
    rows = [
        ("warm (embeddings cached)", warm),
        ("cold (every turn embedded)", cold),
    ]
    lines = [
        "## Speed (`bench/scoring.py`)",
        "",
        f"Command: `.venv/bin/python bench/scoring.py --runs {args.runs} --turns {args.turns}`  ",
        f"Machine: {machine()}  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Models loaded once in {load_s:.1f} s "
        "(includes training the tone heads into an empty cache).",
        "",
        f"| {args.turns}-turn call, 10 min | median s (of {args.runs}) | turns/s "
        f"| target ≤ {TARGET_S:.0f} s |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {label} | {s:.2f} | {args.turns / s:.0f} | {'met' if s <= TARGET_S else 'missed'} |"
        for label, s in rows
    ]
    lines += [
        "",
        "Cold time is almost all sentence-encoder work (each turn for tone or debtor affect, "
        "each agent sentence for rule matching and paraphrase detection); the rest of the "
        "scorecard is the warm figure. The load average above says how much of the two "
        "cores other processes were using.",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    write_section(args.out, "scoring-speed", markdown)


if __name__ == "__main__":
    main()
