"""Tone, call outcome, active listening and empathy on labelled sets: figures only.

    .venv/bin/python bench/conversation_eval.py DIR [--name NAME] [--out docs/benchmarks.md]

DIR holds any of ``tone.jsonl`` (``{"text", "tone"}``), ``outcomes.jsonl`` (``{"turns",
"outcome"}``) and ``listening.jsonl`` (``{"debtor", "agent", "active_listening", "empathy"}``):
the sealed set (``bench/sealed``) or a writer's folder. Everything is judged through the real
scoring pipeline (``score_transcript``), the way a scorecard would judge it. No line is ever
printed, so a sealed set stays sealed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.docs_section import machine, write_section  # noqa: E402
from bench.metrics import f1  # noqa: E402
from coach.catalog import Catalog, load_catalog  # noqa: E402
from coach.catalog.kinds import LISTENING_PAIRS, OUTCOME_CALLS  # noqa: E402
from coach.corpus import OutcomeCall, WriterCorpus  # noqa: E402
from coach.engines import load_scoring_models  # noqa: E402
from coach.nlp.encoder import TextEncoder, load_default_encoder  # noqa: E402
from coach.nlp.heads import train_head  # noqa: E402
from coach.scoring.moments import (  # noqa: E402
    FLAGS,
    MOMENT_FIELDS,
    MOMENT_LEXICAL_WEIGHT,
    MOMENT_THRESHOLD,
    YES,
    moment_examples,
)
from coach.scoring.negotiation import OUTCOMES, Outcome, assess_negotiation  # noqa: E402
from coach.scoring.outcome_model import (  # noqa: E402
    OUTCOME_FIELDS,
    OUTCOME_LEXICAL_WEIGHT,
    decide,
    outcome_examples,
)
from coach.scoring.pipeline import ScoringModels, score_transcript  # noqa: E402
from coach.scoring.tone import NEGATIVE_TONES, TONE_CLASSES  # noqa: E402
from coach.transcript import Transcript  # noqa: E402

# The three coarse tones: what a reviewer needs first is fine / flat / a problem.
COARSE = {
    **dict.fromkeys(("empathetic", "professional"), "warm"),
    "neutral": "neutral",
    **dict.fromkeys(NEGATIVE_TONES, "negative"),
}
TARGETS = {
    "tone macro-F1": 0.70,
    "tone 3-class accuracy": 0.90,
    "outcome accuracy": 0.85,
    "active listening precision": 0.70,
    "active listening recall": 0.70,
    "empathy precision": 0.70,
    "empathy recall": 0.70,
}


def read(folder: Path, name: str) -> list[dict]:
    path = folder / name
    if not path.exists():
        return []
    return [json.loads(t) for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]


def macro_f1(pairs: Sequence[tuple[str, str]], classes: Sequence[str]) -> tuple[float, dict]:
    """Macro-F1 over ``classes`` of (gold, said) pairs, and each class's F1."""
    per_class = {}
    for c in classes:
        tp = sum(g == c and s == c for g, s in pairs)
        fp = sum(g != c and s == c for g, s in pairs)
        fn = sum(g == c and s != c for g, s in pairs)
        per_class[c] = f1(tp, fp, fn)[2]
    present = [per_class[c] for c in classes if any(g == c for g, _ in pairs)]
    return (sum(present) / len(present) if present else 0.0), per_class


def tone_figures(rows: list[dict], models: ScoringModels) -> tuple[dict[str, float], list[str]]:
    said = [r.label for r in models.tone.classify([row["text"] for row in rows])]
    pairs = list(zip([row["tone"] for row in rows], said, strict=True))
    macro, per_class = macro_f1(pairs, TONE_CLASSES)
    coarse = sum(COARSE[g] == COARSE[s] for g, s in pairs) / len(pairs)
    figures = {"tone macro-F1": macro, "tone 3-class accuracy": coarse}
    return figures, confusion_rows(pairs, TONE_CLASSES, per_class)


def outcome_figures(calls: list[dict], models: ScoringModels) -> tuple[dict[str, float], list[str]]:
    pairs = []
    for call in calls:
        card = score_transcript({"turns": call["turns"]}, "US", None, models)
        pairs.append((call["outcome"], card.outcome))
    macro, per_class = macro_f1(pairs, OUTCOMES)
    accuracy = sum(g == s for g, s in pairs) / len(pairs)
    figures = {"outcome accuracy": accuracy, "outcome macro-F1": macro}
    return figures, confusion_rows(pairs, OUTCOMES, per_class)


def listening_figures(rows: list[dict], models: ScoringModels) -> dict[str, float]:
    said = []
    for row in rows:
        turns = [
            {"speaker": "debtor", "text": row["debtor"]},
            {"speaker": "agent", "text": row["agent"]},
        ]
        card = score_transcript({"turns": turns}, "US", None, models)
        said.append((card.turns[1].active_listening, card.turns[1].empathy))
    figures = {}
    for index, flag in enumerate(("active listening", "empathy")):
        key = flag.replace(" ", "_")
        tp = sum(row[key] and s[index] for row, s in zip(rows, said, strict=True))
        fp = sum(not row[key] and s[index] for row, s in zip(rows, said, strict=True))
        fn = sum(row[key] and not s[index] for row, s in zip(rows, said, strict=True))
        precision, recall, _ = f1(tp, fp, fn)
        figures[f"{flag} precision"] = precision
        figures[f"{flag} recall"] = recall
    return figures


def held_out_figures(catalog: Catalog, encoder: TextEncoder) -> dict[str, float]:
    """Leave one writer out: each writer's pairs and calls judged by heads trained on the
    others' (the heads alone, as the engine trains them)."""
    figures: dict[str, float] = {}
    pairs = list(catalog.get(LISTENING_PAIRS))
    for flag in FLAGS:
        counts = Counter()
        for held, train in _folds(pairs):
            head = train_head(
                moment_examples(train, flag),
                encoder,
                lexical_weight=MOMENT_LEXICAL_WEIGHT,
                fields=MOMENT_FIELDS,
            )
            test = moment_examples([held], flag)
            yes = head.predict_proba([e.text for e in test])[:, head.classes.index(YES)]
            for example, p in zip(test, yes, strict=True):
                gold, said = example.label == YES, p >= MOMENT_THRESHOLD
                counts["tp" if gold and said else "fn" if gold else "fp" if said else "tn"] += 1
        precision, recall, _ = f1(counts["tp"], counts["fp"], counts["fn"])
        name = flag.replace("_", " ")
        figures |= {f"{name} precision": precision, f"{name} recall": recall}
    right = total = 0
    for held, train in _folds(list(catalog.get(OUTCOME_CALLS))):
        head = train_head(
            outcome_examples(train),
            encoder,
            lexical_weight=OUTCOME_LEXICAL_WEIGHT,
            fields=OUTCOME_FIELDS,
        )
        test = outcome_examples([held])
        rows = head.predict_proba([e.text for e in test])
        cues = [_cue_outcome(c) for c in held.items if isinstance(c, OutcomeCall)]
        right += sum(
            decide(head.classes, r, cue) == e.label
            for r, cue, e in zip(rows, cues, test, strict=True)
        )
        total += len(test)
    figures["outcome accuracy"] = right / total if total else 0.0
    return figures


def _cue_outcome(call: OutcomeCall) -> Outcome:
    turns = [{"speaker": speaker, "text": text} for speaker, text in call.turns]
    return assess_negotiation(Transcript.model_validate({"turns": turns})).outcome


def _folds(corpora: list[WriterCorpus]) -> list[tuple[WriterCorpus, list[WriterCorpus]]]:
    return [(held, [c for c in corpora if c is not held]) for held in corpora]


def confusion_rows(
    pairs: Sequence[tuple[str, str]], classes: Sequence[str], per_class: dict
) -> list[str]:
    """Gold classes down, what Coach said across, and each class's F1."""
    counts = Counter(pairs)
    rows = [
        "| gold \\ said | " + " | ".join(classes) + " | F1 |",
        "|---" * (len(classes) + 2) + "|",
    ]
    for gold in classes:
        cells = " | ".join(str(counts[(gold, said)]) for said in classes)
        rows.append(f"| {gold} | {cells} | {per_class[gold]:.2f} |")
    return rows


def measure(
    folder: Path, models: ScoringModels
) -> tuple[dict[str, float], dict[str, list[str]], dict[str, int]]:
    figures: dict[str, float] = {}
    tables: dict[str, list[str]] = {}
    sizes = {}
    if tone := read(folder, "tone.jsonl"):
        found, tables["Tone (7 classes)"] = tone_figures(tone, models)
        figures |= found
        sizes["tone lines"] = len(tone)
    if calls := read(folder, "outcomes.jsonl"):
        found, tables["Call outcome"] = outcome_figures(calls, models)
        figures |= found
        sizes["outcome calls"] = len(calls)
    if pairs := read(folder, "listening.jsonl"):
        figures |= listening_figures(pairs, models)
        sizes["listening pairs"] = len(pairs)
    return figures, tables, sizes


def report(
    name: str,
    figures: dict[str, float],
    tables: dict[str, list[str]],
    sizes: dict[str, int],
    command: str,
) -> str:
    lines = [
        f"Command: `{command}`; {machine()}; one run (no timing: these are counts).",
        "Sizes: " + ", ".join(f"{v} {k}" for k, v in sizes.items()) + ".",
        "",
        f"| {name} | value | target |",
        "|---|---|---|",
    ]
    for key, value in figures.items():
        target = TARGETS.get(key)
        mark = (
            ""
            if target is None
            else (f">= {target:.2f} " + ("met" if value >= target else "**not met**"))
        )
        lines.append(f"| {key} | {value:.3f} | {mark} |")
    for title, rows in tables.items():
        lines += ["", f"### {title}, {name}", "", *rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--name", help="the set's name in the report (default: the folder's)")
    parser.add_argument("--out", type=Path, help="write the section into this markdown file")
    parser.add_argument("--cache", type=Path, help="model cache to reuse (default: a fresh one)")
    args = parser.parse_args()
    name = args.name or args.folder.name
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        cache = args.cache or Path(scratch)
        encoder = load_default_encoder(cache_dir=cache)
        models = load_scoring_models(load_catalog(REPO / "content"), cache, encoder)
        figures, tables, sizes = measure(args.folder, models)
    command = "python bench/conversation_eval.py " + " ".join(sys.argv[1:])
    text = report(name, figures, tables, sizes, command)
    print(text)
    print(f"({time.perf_counter() - started:.0f} s)")
    if args.out:
        write_section(args.out, f"Conversation: {name} (`bench/conversation_eval.py`)", text)


if __name__ == "__main__":
    main()
