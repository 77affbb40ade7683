"""Leave-one-writer-out figures for the learned rule heads: train on two writers, judge the third.

    .venv/bin/python bench/rule_model_eval.py [--out docs/benchmarks.md]

Each held-out line is judged on its own rule by that rule's head alone (no patterns, no
debtor-trigger gate), at several thresholds: the figures the engine's thresholds are chosen
from (``coach.scoring.compliance.learned``). Only content/rule_lines is read; no line is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.docs_section import machine, write_section  # noqa: E402
from bench.metrics import f1  # noqa: E402
from coach.catalog import load_catalog  # noqa: E402
from coach.catalog.kinds import RULE_LINES  # noqa: E402
from coach.corpus import RuleLines  # noqa: E402
from coach.nlp.encoder import load_default_encoder  # noqa: E402
from coach.nlp.heads import fit_estimator  # noqa: E402
from coach.scoring.compliance.learned import (  # noqa: E402
    POSITIVE,
    RULE_LEXICAL_WEIGHT,
    head_text,
    rule_examples,
    rules_with_positives,
)
from coach.scoring.compliance.model_evidence import PROHIBITIONS  # noqa: E402

THRESHOLDS = (0.3, 0.35, 0.4, 0.5, 0.6, 0.65, 0.7, 0.8, 0.9)
NEAR_MISS = ("negation", "truthful_conditional", "firm_lawful", "lawful_version")


def held_out_scores(
    groups: list[RuleLines], encoder: object
) -> list[tuple[str, str, bool, str, float]]:
    """(writer, rule, gold, kind, probability) for every line, its writer left out of training."""
    texts = sorted({head_text(ln.text) for g in groups for ln in g.lines})
    rows = dict(zip(texts, encoder.encode(texts), strict=True))  # type: ignore[attr-defined]
    out = []
    for writer in sorted({g.writer for g in groups}):
        for jurisdiction in sorted({g.jurisdiction for g in groups}):
            train = [g for g in groups if g.jurisdiction == jurisdiction and g.writer != writer]
            test = [
                ln
                for g in groups
                if g.jurisdiction == jurisdiction and g.writer == writer
                for ln in g.lines
            ]
            if not test or not train:
                continue
            for rule in rules_with_positives(train):
                mine = [ln for ln in test if ln.rule == rule]
                if not mine:
                    continue
                examples = sorted(rule_examples(train, rule), key=lambda e: (e.label, e.text))
                train_texts = [e.text for e in examples]
                model = fit_estimator(
                    np.stack([rows[t] for t in train_texts]),
                    [e.label for e in examples],
                    train_texts,
                    RULE_LEXICAL_WEIGHT,
                )
                column = list(model.classes_).index(POSITIVE)
                read = [head_text(ln.text) for ln in mine]
                probs = model.predict_proba(np.stack([rows[t] for t in read]), read)[:, column]
                out += [
                    (writer, rule, ln.label == POSITIVE, ln.kind, float(p))
                    for ln, p in zip(mine, probs, strict=True)
                ]
    return out


def figures(scored: list[tuple[str, str, bool, str, float]], threshold: float) -> dict[str, float]:
    per_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    near = [0, 0]
    for _, rule, gold, kind, p in scored:
        said = p >= threshold
        c = per_rule[rule]
        if gold and said:
            c[0] += 1
        elif said:
            c[1] += 1
        elif gold:
            c[2] += 1
        if not gold and kind in NEAR_MISS:
            near[0] += said
            near[1] += 1
    tp, fp, fn = (sum(c[i] for c in per_rule.values()) for i in range(3))
    precision, recall, _ = f1(tp, fp, fn)
    macro = [f1(*c)[2] for c in per_rule.values()]
    negatives = sum(1 for s in scored if not s[2])
    return {
        "macro-F1": sum(macro) / len(macro),
        "micro P": precision,
        "micro R": recall,
        "FP on negatives": fp / negatives if negatives else 0.0,
        "FP on near-misses": near[0] / near[1] if near[1] else 0.0,
    }


def sweep(title: str, scored: list[tuple[str, str, bool, str, float]]) -> list[str]:
    rows = [
        f"| {title}: threshold | macro-F1 | micro P | micro R | FP negatives | FP near-misses |",
        "|---|---|---|---|---|---|",
    ]
    for t in THRESHOLDS:
        f = figures(scored, t)
        rows.append(f"| {t:.2f} | " + " | ".join(f"{v:.3f}" for v in f.values()) + " |")
    return rows


def rule_table(scored: list[tuple[str, str, bool, str, float]], threshold: float) -> list[str]:
    rows = [f"| rule | F1 at {threshold} | P | R | FP near-misses |", "|---|---|---|---|---|"]
    for rule in sorted({s[1] for s in scored}):
        f = figures([s for s in scored if s[1] == rule], threshold)
        rows.append(
            f"| {rule} | {f['macro-F1']:.2f} | {f['micro P']:.2f} | {f['micro R']:.2f} "
            f"| {f['FP on near-misses']:.2f} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the figures into this markdown file")
    parser.add_argument("--name", default="rule-models-lowo")
    args = parser.parse_args()
    begin = time.perf_counter()
    catalog = load_catalog(REPO / "content")
    groups = list(catalog.get(RULE_LINES))
    scored = held_out_scores(groups, load_default_encoder())
    lines = [
        "## Learned rule heads, leave one writer out (`bench/rule_model_eval.py`)",
        "",
        f"Machine: {machine()}  ",
        f"Wall time: {time.perf_counter() - begin:.0f} s. Heads alone (no patterns, no "
        "debtor-trigger gate); each line judged on its own rule; near-misses are the "
        f"{', '.join(NEAR_MISS)} negatives.",
        "",
        *sweep("all writers", scored),
    ]
    kinds = {r.id: r.kind for pack in catalog.get("rules") for r in pack.rules}
    for label, wanted in (
        ("prohibitions", PROHIBITIONS),
        ("disclosures", ("required-disclosure",)),
    ):
        mine = [s for s in scored if kinds[s[1]] in wanted]
        lines += ["", *sweep(f"{label} ({len({s[1] for s in mine})} rules)", mine)]
    for writer in sorted({s[0] for s in scored}):
        lines += ["", *sweep(f"{writer} held out", [s for s in scored if s[0] == writer])]
    lines += ["", "### Per rule (all writers held out in turn, threshold 0.5)", ""]
    lines += rule_table(scored, 0.5)
    markdown = "\n".join(lines)
    print(markdown)
    if args.out:
        write_section(args.out, args.name, markdown)


if __name__ == "__main__":
    main()
