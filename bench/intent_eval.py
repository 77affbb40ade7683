"""How well the role-play intent heads hear what a trainee's reply does: figures only.

    .venv/bin/python bench/intent_eval.py [--out docs/benchmarks.md]

Each line of ``content/intents/<writer>.jsonl`` (and of the sealed set,
``bench/sealed/intents.jsonl``) is judged on its own intent: a positive is found when that
intent's head gives it at least the threshold, a negative (near-miss) is a false positive
when it does. Leave one writer out trains on the other writers; the sealed set is judged by
heads trained on every writer. Two ways of choosing a head's "no" examples are measured side
by side (see ``coach/scenarios/intent_model.py``). No line is ever printed.
"""

from __future__ import annotations

import argparse
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
from coach.catalog import load_catalog  # noqa: E402
from coach.catalog.corpora import read_jsonl  # noqa: E402
from coach.catalog.intent_lines import parse_intent_line  # noqa: E402
from coach.catalog.kinds import INTENT_LINES  # noqa: E402
from coach.corpus import IntentLine, IntentLines  # noqa: E402
from coach.nlp.encoder import TextEncoder, load_default_encoder  # noqa: E402
from coach.nlp.heads import train_head  # noqa: E402
from coach.scenarios.intent_model import (  # noqa: E402
    INTENT_FIELDS,
    INTENT_LEXICAL_WEIGHT,
    INTENT_THRESHOLD,
    NO,
    YES,
    IntentHeads,
    intent_examples,
    intents_with_lines,
)

SEALED = REPO / "bench" / "sealed" / "intents.jsonl"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
VARIANTS = {"skip related intents (used)": True, "every other line a no": False}


def train(corpora: Sequence[IntentLines], encoder: TextEncoder, skip: bool) -> IntentHeads:
    """Heads trained in memory (benches never touch the model cache)."""
    return IntentHeads(
        {
            intent: train_head(
                intent_examples(corpora, intent, skip),
                encoder,
                (NO, YES),
                INTENT_LEXICAL_WEIGHT,
                INTENT_FIELDS,
            )
            for intent in intents_with_lines(corpora)
        }
    )


def scored(heads: IntentHeads, lines: Sequence[IntentLine]) -> list[tuple[IntentLine, float]]:
    """Each line with its own intent's probability (0 when no head hears that intent)."""
    judged = heads.judge([(ln.debtor_before or "", ln.text) for ln in lines])
    return [(ln, p.get(ln.intent, 0.0)) for ln, p in zip(lines, judged, strict=True)]


def figures(pairs: Sequence[tuple[IntentLine, float]], threshold: float) -> dict[str, float]:
    """Macro-F1 over intents, micro precision and recall, false positives on near-misses."""
    per: dict[str, Counter] = {}
    for line, p in pairs:
        said, gold = p >= threshold, line.label == "positive"
        c = per.setdefault(line.intent, Counter())
        c["tp" if gold and said else "fn" if gold else "fp" if said else "tn"] += 1
    total = sum(per.values(), Counter())
    macro = [f1(c["tp"], c["fp"], c["fn"])[2] for c in per.values()]
    precision, recall, _ = f1(total["tp"], total["fp"], total["fn"])
    negatives = total["fp"] + total["tn"]
    return {
        "macro-F1": sum(macro) / len(macro) if macro else 0.0,
        "micro P": precision,
        "micro R": recall,
        "FP near-misses": total["fp"] / negatives if negatives else 0.0,
    }


def table(title: str, pairs: Sequence[tuple[IntentLine, float]], used: bool) -> list[str]:
    rows = [f"| {title}: threshold | macro-F1 | micro P | micro R | FP near-misses |"]
    rows.append("|---|---|---|---|---|")
    for t in THRESHOLDS:
        f = figures(pairs, t)
        mark = " (used)" if used and t == INTENT_THRESHOLD else ""
        rows.append(
            f"| {t:.2f}{mark} | {f['macro-F1']:.3f} | {f['micro P']:.3f} | {f['micro R']:.3f} "
            f"| {f['FP near-misses']:.3f} |"
        )
    return rows


def per_intent(pairs: Sequence[tuple[IntentLine, float]]) -> list[str]:
    rows = ["| intent | sealed recall | sealed FP rate | sealed F1 |", "|---|---|---|---|"]
    for intent in sorted({ln.intent for ln, _ in pairs}):
        mine = [(ln, p) for ln, p in pairs if ln.intent == intent]
        pos = [p >= INTENT_THRESHOLD for ln, p in mine if ln.label == "positive"]
        neg = [p >= INTENT_THRESHOLD for ln, p in mine if ln.label == "negative"]
        _, _, f = f1(sum(pos), sum(neg), len(pos) - sum(pos))
        rows.append(
            f"| {intent} | {sum(pos) / len(pos):.2f} | {sum(neg) / max(len(neg), 1):.2f} "
            f"| {f:.3f} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the figures into this markdown file")
    args = parser.parse_args()
    begin = time.perf_counter()
    corpora = list(load_catalog(REPO / "content").get(INTENT_LINES))
    sealed = read_jsonl(SEALED, "sealed/intents.jsonl", parse_intent_line)
    with tempfile.TemporaryDirectory() as cache:
        encoder = load_default_encoder(cache_dir=Path(cache))
        lines = [
            "## Role-play intents (`bench/intent_eval.py`)",
            "",
            "Command: `.venv/bin/python bench/intent_eval.py --out docs/benchmarks.md`  ",
            f"Machine: {machine()}  ",
            f"Writers: {', '.join(c.writer for c in corpora)} "
            f"({sum(len(c.lines) for c in corpora)} lines); sealed: {len(sealed)} lines by "
            "another writer. Each line judged on its own intent; heads read (debtor turn, "
            "reply).",
        ]
        sealed_used: list[tuple[IntentLine, float]] = []
        for name, skip in VARIANTS.items():
            held_out = []
            for corpus in corpora:
                others = [c for c in corpora if c.writer != corpus.writer]
                held_out += scored(train(others, encoder, skip), corpus.lines)
            sealed_pairs = scored(train(corpora, encoder, skip), sealed)
            if skip:
                sealed_used = sealed_pairs
            lines += ["", f"### {name}", "", *table("leave one writer out", held_out, skip)]
            lines += ["", *table("sealed", sealed_pairs, skip)]
        lines += ["", "### Per intent, sealed, heads as used", "", *per_intent(sealed_used)]
    lines += ["", f"Wall time: {time.perf_counter() - begin:.0f} s."]
    markdown = "\n".join(lines)
    print(markdown)
    if args.out:
        write_section(args.out, "intents", markdown)


if __name__ == "__main__":
    main()
