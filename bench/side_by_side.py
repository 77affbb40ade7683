"""Dev, leave-one-writer-out and sealed figures side by side (called by bench/scoring_eval.py).

The dev set (``tests/data/scoring``) was read while the rules were written, so it flatters;
leave-one-writer-out trains the heads on all writers but one and judges the one left out (the
heads alone); the sealed set (``bench/sealed``) was written by someone who saw neither the
corpus nor the patterns and is read here only as figures. The three columns disagreeing is
the point: only the last two are evidence that a detector generalises.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from bench import conversation_eval, rule_lines_eval, rule_model_eval
from bench.metrics import f1, meets
from coach.catalog import Catalog
from coach.catalog.kinds import RULE_LINES
from coach.nlp.encoder import TextEncoder
from coach.scoring.pipeline import ScoringModels

SEALED = Path(__file__).resolve().parent / "sealed"
# A learned rule head's verdict in the leave-one-writer-out column (the engine's own gates and
# patterns are not in it).
HEAD_THRESHOLD = 0.5
TARGETS = {
    "violation macro-F1": ">= 0.75",
    "violation micro recall": ">= 0.75",
    "violation micro precision": ">= 0.85",
    "false positives on compliant lines": "<= 0.05",
    "false positives on hard negatives": "<= 0.10",
    "required disclosures recognised": ">= 0.80",
    "tone macro-F1": ">= 0.70",
    "tone 3-class accuracy": ">= 0.90",
    "outcome accuracy": ">= 0.85",
    "active listening precision": ">= 0.70",
    "active listening recall": ">= 0.70",
    "empathy precision": ">= 0.70",
    "empathy recall": ">= 0.70",
}
Figures = Mapping[str, float]


def sealed_rule_figures(models: ScoringModels) -> tuple[dict[str, float], dict[str, Counter]]:
    """The engine on the sealed rule lines: prohibitions as violations, disclosures as
    recognised; and each rule's counts."""
    judged = [
        rule_lines_eval.judge(jurisdiction, line, models, "sealed")
        for jurisdiction, line in rule_lines_eval.read_lines(SEALED)
    ]
    disclosure = _disclosure_rules(models)
    prohibitions = [j for j in judged if j.rule not in disclosure]
    disclosures = [j for j in judged if j.rule in disclosure]
    found = rule_lines_eval.figures(prohibitions)
    recognised = [j.found for j in disclosures if j.gold]
    figures = {
        "violation macro-F1": found["macro-F1"],
        "violation micro recall": found["micro recall"],
        "violation micro precision": found["micro precision"],
        "false positives on compliant lines": found["false positives on negatives"],
        "false positives on hard negatives": _hard_negative_fp(prohibitions),
        "required disclosures recognised": sum(recognised) / len(recognised),
    }
    per_rule: dict[str, Counter] = {}
    for j in judged:
        per_rule.setdefault(j.rule, Counter())[_cell(j.gold, j.found)] += 1
    return figures, per_rule


def _hard_negative_fp(judged: Sequence[rule_lines_eval.Judged]) -> float:
    """Violations on the near-miss negatives: the lawful lines written to look unlawful."""
    near = [j for j in judged if not j.gold and j.kind in rule_model_eval.NEAR_MISS]
    return sum(j.found for j in near) / len(near) if near else 0.0


def held_out_rule_figures(
    catalog: Catalog, encoder: TextEncoder, models: ScoringModels
) -> tuple[dict[str, float], dict[str, Counter]]:
    """The rule heads alone, each writer's lines judged by heads trained on the others'."""
    scored = rule_model_eval.held_out_scores(list(catalog.get(RULE_LINES)), encoder)
    disclosure = _disclosure_rules(models)
    prohibitions = [s for s in scored if s[1] not in disclosure]
    found = rule_model_eval.figures(prohibitions, HEAD_THRESHOLD)
    disclosed = [
        p >= HEAD_THRESHOLD for _, rule, gold, _, p in scored if gold and rule in disclosure
    ]
    near = [
        p >= HEAD_THRESHOLD
        for _, _, gold, kind, p in prohibitions
        if not gold and kind in rule_model_eval.NEAR_MISS
    ]
    figures = {
        "violation macro-F1": found["macro-F1"],
        "violation micro recall": found["micro R"],
        "violation micro precision": found["micro P"],
        "false positives on compliant lines": found["FP on negatives"],
        "false positives on hard negatives": sum(near) / len(near) if near else 0.0,
        "required disclosures recognised": sum(disclosed) / len(disclosed) if disclosed else 0.0,
    }
    per_rule: dict[str, Counter] = {}
    for _, rule, gold, _, p in scored:
        per_rule.setdefault(rule, Counter())[_cell(gold, p >= HEAD_THRESHOLD)] += 1
    return figures, per_rule


def _cell(gold: bool, said: bool) -> str:
    return "tp" if gold and said else "fn" if gold else "fp" if said else "tn"


def _disclosure_rules(models: ScoringModels) -> frozenset[str]:
    """Rules judged as made or not; every other rule (prohibitions, process checks) is
    judged as broken or not, as the rule-lines bench judges them."""
    rules = [r for group in models.packs.values() for p in group for r in p.rules]
    return frozenset(r.id for r in rules if r.kind.startswith("required-disclosure"))


def report(
    catalog: Catalog,
    encoder: TextEncoder,
    models: ScoringModels,
    dev: Figures,
    dev_rules: Mapping[str, tuple[int, int, int]],
    other_writer_tone: Figures,
) -> list[str]:
    """The side-by-side section: headline figures, then per rule."""
    sealed, sealed_rules = sealed_rule_figures(models)
    conversation, _, _ = conversation_eval.measure(SEALED, models)
    sealed |= conversation
    held_out, held_out_rules = held_out_rule_figures(catalog, encoder, models)
    held_out |= conversation_eval.held_out_figures(catalog, encoder) | other_writer_tone
    lines = [
        "| figure | dev set | leave one writer out | sealed | target (sealed) |",
        "|---|---|---|---|---|",
    ]
    for name, target in TARGETS.items():
        cells = [_shown(column.get(name)) for column in (dev, held_out, sealed)]
        met = meets(sealed[name], target) if name in sealed else False
        mark = "met" if met else "**not met**"
        lines.append(f"| {name} | {' | '.join(cells)} | {target} {mark} |")
    lines += [
        "",
        "Dev set: `tests/data/scoring` (utterances and calls pooled for rules; the mini-Miranda "
        "stands for disclosures; hard negatives are its hard-negative utterances). Leave one "
        "writer out: rule, listening and outcome heads alone at 0.5 (no patterns or gates), "
        "trained on the other writers of `content/`; tone there is the second tone writer's "
        "lines (`tests/data/scoring/tone_second_writer.jsonl`), which the tone corpus never saw. "
        "Sealed: the whole engine through `score_transcript`; prohibitions and process checks "
        "judged as violations (suspected not counted), required disclosures as recognised; hard "
        f"negatives are the near-miss kinds ({', '.join(rule_model_eval.NEAR_MISS)}). "
        "US-REGF-1006.6e-ELECTRONIC-OPT-OUT is left out of both learned columns: its lines are "
        "written as a disclosure (an opt-out given), the engine judges the prohibition "
        "(an opt-out ignored).",
        "",
        "### Per rule, side by side",
        "",
        "| rule | dev F1 | held-out F1 (head) | sealed F1 | sealed recall | sealed FP rate |",
        "|---|---|---|---|---|---|",
    ]
    for rule in sorted(set(dev_rules) | set(held_out_rules) | set(sealed_rules)):
        dev_f1 = (
            f1(*dev_rules[rule])[2] if rule in dev_rules and sum(dev_rules[rule][::2]) else None
        )
        held = _counts_f1(held_out_rules.get(rule))
        counts = sealed_rules.get(rule)
        sealed_cells = ["-", "-", "-"]
        if counts:
            _, recall, sealed_f1 = f1(counts["tp"], counts["fp"], counts["fn"])
            negatives = counts["fp"] + counts["tn"]
            fp_rate = counts["fp"] / negatives if negatives else None
            sealed_cells = [_shown(sealed_f1), _shown(recall), _shown(fp_rate)]
        lines.append(f"| {rule} | {_shown(dev_f1)} | {_shown(held)} | {' | '.join(sealed_cells)} |")
    return lines


def _counts_f1(counts: Counter | None) -> float | None:
    if not counts or not counts["tp"] + counts["fn"]:
        return None
    return f1(counts["tp"], counts["fp"], counts["fn"])[2]


def _shown(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
