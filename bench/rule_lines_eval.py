"""How the compliance engine judges labelled rule lines, per rule and per writer: figures only.

    .venv/bin/python bench/rule_lines_eval.py DIR [DIR ...] [--name NAME] [--out docs/benchmarks.md]
    .venv/bin/python bench/rule_lines_eval.py --held-out [--rules ID ...] [--out ...]

``--held-out`` judges each writer of ``content/rule_lines`` through the whole engine (patterns,
gates, metadata caps) with the learned heads trained without that writer: the honest measure
of how the engine, not the heads alone, treats wording it has not seen.

Each DIR holds ``us.jsonl``/``uk.jsonl``/``in.jsonl`` in the rule-lines format
(docs/content-authoring.md): ``content/rule_lines/<writer>`` or a sealed set kept outside the
corpus. Every line is scored as a one- or two-turn call (the debtor's line first when given,
metadata unknown) and judged on its own rule only: a prohibition counts as found when the
agent turn gets a ``violation`` (``suspected`` is reported beside it), a required disclosure
when the agent turn satisfies it. No line is ever printed, so a sealed set stays sealed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.docs_section import machine, write_section  # noqa: E402
from bench.metrics import f1  # noqa: E402
from coach.catalog import load_catalog  # noqa: E402
from coach.catalog.rule_lines import JURISDICTION_FILES, parse_rule_line  # noqa: E402
from coach.corpus import RuleLine  # noqa: E402
from coach.engines import load_scoring_models  # noqa: E402
from coach.nlp.encoder import load_default_encoder  # noqa: E402
from coach.scoring.compliance.learned import LINES_IN_ANOTHER_SENSE  # noqa: E402
from coach.scoring.pipeline import ScoringModels, score_transcript  # noqa: E402
from coach.scoring.result import Scorecard  # noqa: E402

# Model-violation thresholds the held-out sweep tries (the engine's is VIOLATION_THRESHOLD).
SWEEP = (0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
# A rule's own threshold is the lowest of the sweep at which model violations on its held-out
# lawful lines are at most this share of them: under the sealed target (5 % in all), leaving
# room for the patterns' own false alarms.
RULE_FP_TARGET = 0.04
THRESHOLDS_MODULE = REPO / "coach" / "scoring" / "compliance" / "violation_thresholds.py"


@dataclass(frozen=True)
class Judged:
    """One line's gold label and what the engine said about its rule."""

    writer: str
    rule: str
    kind: str
    gold: bool
    found: bool  # violation, or the disclosure recognised
    found_or_suspected: bool
    # A violation from a pattern, metadata or sequence check; the highest confidence of a
    # model violation (0: none): what the violation threshold sweep recomputes "found" from.
    pattern_violation: bool = False
    model_confidence: float = 0.0
    disclosure: bool = False


def read_lines(folder: Path) -> list[tuple[str, RuleLine]]:
    """(jurisdiction, line) for every line of a folder; a bad line stops the run, by number."""
    lines = []
    # Only the jurisdiction files: a sealed set keeps its tone and outcome lines beside them.
    for stem, jurisdiction in JURISDICTION_FILES.items():
        path = folder / f"{stem}.jsonl"
        if not path.exists():
            continue
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not text.strip():
                continue
            line, problem = parse_rule_line(text)
            if line is None:
                raise SystemExit(f"{path.name}:line {number}: {problem}")
            # Labelled in a sense the engine does not judge (see learned.py): not comparable.
            if line.rule not in LINES_IN_ANOTHER_SENSE:
                lines.append((jurisdiction, line))
    return lines


def judge(jurisdiction: str, line: RuleLine, models: ScoringModels, writer: str) -> Judged:
    turns = [{"speaker": "debtor", "text": line.debtor_before}] if line.debtor_before else []
    turns.append({"speaker": "agent", "text": line.text})
    card = score_transcript({"turns": turns}, jurisdiction, None, models)
    agent = len(turns) - 1
    if _is_disclosure(line.rule, models):
        found = line.rule in card.turns[agent].satisfies
        gold = line.label == "positive"
        return Judged(writer, line.rule, line.kind, gold, found, found, disclosure=True)
    statuses = _statuses(card, line.rule, agent)
    violations = [
        f
        for f in card.findings
        if f.rule_id == line.rule and f.turn == agent and f.status == "violation"
    ]
    return Judged(
        writer,
        line.rule,
        line.kind,
        line.label == "positive",
        "violation" in statuses,
        bool(statuses & {"violation", "suspected"}),
        any(f.detector != "model" for f in violations),
        max((f.confidence for f in violations if f.detector == "model"), default=0.0),
    )


def _statuses(card: Scorecard, rule: str, turn: int) -> set[str]:
    return {f.status for f in card.findings if f.rule_id == rule and f.turn == turn}


def _is_disclosure(rule: str, models: ScoringModels) -> bool:
    kinds = {r.id: r.kind for group in models.packs.values() for p in group for r in p.rules}
    return kinds[rule].startswith("required-disclosure")


def figures(judged: list[Judged], strict: bool = True) -> dict[str, float]:
    """Macro-F1 over rules, micro precision/recall, false positives on negatives."""
    per_rule: dict[str, Counter] = {}
    for j in judged:
        said = j.found if strict else j.found_or_suspected
        counts = per_rule.setdefault(j.rule, Counter())
        counts["tp" if j.gold and said else "fn" if j.gold else "fp" if said else "tn"] += 1
    total = sum(per_rule.values(), Counter())
    macro = [f1(c["tp"], c["fp"], c["fn"])[2] for c in per_rule.values() if c["tp"] + c["fn"]]
    precision, recall, micro_f1 = f1(total["tp"], total["fp"], total["fn"])
    negatives = total["fp"] + total["tn"]
    return {
        "lines": len(judged),
        "rules": len(per_rule),
        "macro-F1": sum(macro) / len(macro) if macro else 0.0,
        "micro precision": precision,
        "micro recall": recall,
        "micro F1": micro_f1,
        "false positives on negatives": total["fp"] / negatives if negatives else 0.0,
    }


def rule_rows(judged: list[Judged]) -> list[str]:
    rows = [
        "| rule | positives | negatives | recall | FP rate | recall incl. suspected "
        "| FP rate incl. suspected |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in sorted({j.rule for j in judged}):
        mine = [j for j in judged if j.rule == rule]
        pos = [j for j in mine if j.gold]
        neg = [j for j in mine if not j.gold]
        recall = sum(j.found for j in pos) / len(pos) if pos else 0.0
        loose = sum(j.found_or_suspected for j in pos) / len(pos) if pos else 0.0
        fp = sum(j.found for j in neg) / len(neg) if neg else 0.0
        fp_loose = sum(j.found_or_suspected for j in neg) / len(neg) if neg else 0.0
        rows.append(
            f"| {rule} | {len(pos)} | {len(neg)} | {recall:.2f} | {fp:.2f} | {loose:.2f} "
            f"| {fp_loose:.2f} |"
        )
    return rows


def kind_rows(judged: list[Judged]) -> list[str]:
    """How often each kind of line is judged right: which kinds of wording the engine misses."""
    rows = ["| label | kind | lines | judged right |", "|---|---|---|---|"]
    for gold in (True, False):
        for kind in sorted({j.kind for j in judged if j.gold == gold}):
            mine = [j for j in judged if j.gold == gold and j.kind == kind]
            right = sum(j.found == j.gold for j in mine) / len(mine)
            label = "positive" if gold else "negative"
            rows.append(f"| {label} | {kind} | {len(mine)} | {right:.0%} |")
    return rows


def threshold_rows(judged: list[Judged]) -> list[str]:
    """Prohibitions' figures had a model violation needed at least each threshold."""
    rows = [
        "| model violation from | macro-F1 | micro precision | micro recall | FP on negatives |",
        "|---|---|---|---|---|",
    ]
    for threshold in SWEEP:
        f = figures([at_threshold(j, threshold) for j in judged])
        rows.append(
            f"| {threshold:.2f} | {f['macro-F1']:.3f} | {f['micro precision']:.3f} "
            f"| {f['micro recall']:.3f} | {f['false positives on negatives']:.3f} |"
        )
    return rows


def at_threshold(j: Judged, threshold: float) -> Judged:
    """The judgement had a model violation needed at least ``threshold``."""
    return replace(j, found=j.pattern_violation or j.model_confidence >= threshold)


def rule_thresholds(judged: list[Judged]) -> dict[str, tuple[float, float, float]]:
    """Each prohibition's own model-violation threshold, chosen on held-out judgements: the
    lowest of :data:`SWEEP` at which model violations on the rule's negatives are at most
    :data:`RULE_FP_TARGET` of them (a pattern's own false alarms are the pattern's to fix: no
    threshold removes them), with the rule's whole held-out FP rate and recall there. Rules
    that need no more than the engine's default are left out."""
    chosen = {}
    for rule in sorted({j.rule for j in judged}):
        negatives = [j for j in judged if j.rule == rule and not j.gold]
        positives = [j for j in judged if j.rule == rule and j.gold]
        if not negatives or not positives:
            continue
        threshold = next(
            (t for t in SWEEP if _model_fp_rate(negatives, t) <= RULE_FP_TARGET), SWEEP[-1]
        )
        if threshold == SWEEP[0]:
            continue
        chosen[rule] = (
            threshold,
            _found_share(negatives, threshold),
            _found_share(positives, threshold),
        )
    return chosen


def _found_share(judged: list[Judged], threshold: float) -> float:
    return sum(at_threshold(j, threshold).found for j in judged) / len(judged)


def _model_fp_rate(negatives: list[Judged], threshold: float) -> float:
    """Share of lawful lines a model violation at ``threshold`` (and no pattern) would flag."""
    flagged = [j for j in negatives if not j.pattern_violation and j.model_confidence >= threshold]
    return len(flagged) / len(negatives)


def threshold_choice_rows(chosen: dict[str, tuple[float, float, float]]) -> list[str]:
    rows = ["| rule | threshold | held-out FP rate there | held-out recall there |"]
    rows.append("|---|---|---|---|")
    for rule, (threshold, fp, recall) in chosen.items():
        rows.append(f"| {rule} | {threshold:.2f} | {fp:.3f} | {recall:.3f} |")
    return rows


def write_thresholds(chosen: dict[str, tuple[float, float, float]]) -> None:
    """The engine's per-rule thresholds, as a module (reviewed in the diff, like goldens)."""
    entries = "".join(f'    "{rule}": {t:.2f},\n' for rule, (t, _, _) in chosen.items())
    THRESHOLDS_MODULE.write_text(
        '"""Per-rule model-violation thresholds, chosen on held-out writers. Written by\n'
        "``bench/rule_lines_eval.py --held-out --write-thresholds``: do not edit by hand.\n\n"
        "Each is the lowest threshold at which model violations on the rule's lawful lines by\n"
        f"writers its heads never saw are at most {RULE_FP_TARGET:.0%} of them; a rule not listed\n"
        'needs no more than the engine\'s default (docs/decisions.md).\n"""\n\n'
        "from collections.abc import Mapping\n\n"
        f"VIOLATION_THRESHOLDS: Mapping[str, float] = {{\n{entries}}}\n",
        encoding="utf-8",
    )


def figure_table(title: str, judged: list[Judged]) -> list[str]:
    strict, loose = figures(judged), figures(judged, strict=False)
    rows = [f"| {title} | value | counting suspected too |", "|---|---|---|"]
    for name, value in strict.items():
        shown = f"{value:.0f}" if name in ("lines", "rules") else f"{value:.3f}"
        other = f"{loose[name]:.0f}" if name in ("lines", "rules") else f"{loose[name]:.3f}"
        rows.append(f"| {name} | {shown} | {other} |")
    return rows


def _training_note(folders: list[Path]) -> list[str]:
    """Folders the learned heads trained on give dev (in-sample) figures: say so."""
    corpus = (REPO / "content" / "rule_lines").resolve()
    if not any(corpus in f.resolve().parents for f in folders):
        return []
    return [
        "",
        "**Dev data:** these lines are the learned rule heads' training data, so these figures "
        "are in-sample; the held-out figures are in *Learned rule heads, leave one writer out*.",
    ]


def judge_folders(folders: list[Path], rules: set[str]) -> list[Judged]:
    """Every line of the folders (of the given rules, or all) with the heads of all content."""
    with tempfile.TemporaryDirectory() as cache:
        models = load_scoring_models(
            load_catalog(REPO / "content"), Path(cache), load_default_encoder()
        )
        return [
            judge(jurisdiction, line, models, folder.name)
            for folder in folders
            for jurisdiction, line in read_lines(folder)
            if not rules or line.rule in rules
        ]


def judge_held_out(rules: set[str]) -> list[Judged]:
    """Each writer's lines judged by an engine whose heads never saw that writer."""
    writers = sorted(p for p in (REPO / "content" / "rule_lines").iterdir() if p.is_dir())
    encoder = load_default_encoder()
    judged: list[Judged] = []
    with tempfile.TemporaryDirectory() as work:
        cache = Path(work) / "cache"  # shared: only the rule heads differ between folds
        for writer in writers:
            content = Path(work) / "content"
            shutil.rmtree(content, ignore_errors=True)
            shutil.copytree(REPO / "content", content)
            shutil.rmtree(content / "rule_lines" / writer.name)
            models = load_scoring_models(load_catalog(content), cache, encoder)
            judged += [
                judge(jurisdiction, line, models, writer.name)
                for jurisdiction, line in read_lines(writer)
                if not rules or line.rule in rules
            ]
    return judged


def _held_out_note(held_out: bool) -> list[str]:
    if not held_out:
        return []
    return [
        "",
        "**Held out:** each writer's lines are judged by the whole engine with rule heads "
        "trained on the other writers only.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="*")
    parser.add_argument("--held-out", action="store_true", help="leave each writer out in turn")
    parser.add_argument("--rules", nargs="*", default=[], help="judge only these rules' lines")
    parser.add_argument("--name", default="rule-lines", help="the docs section to write")
    parser.add_argument("--out", type=Path, help="write the figures into this markdown file")
    parser.add_argument(
        "--write-thresholds",
        action="store_true",
        help="with --held-out: write each rule's chosen threshold for the engine",
    )
    parser.add_argument(
        "--judged-out", type=Path, help="also write every judgement (no text) as JSON lines"
    )
    args = parser.parse_args()
    if bool(args.folders) == args.held_out:
        parser.error("give folders, or --held-out alone")
    begin = time.perf_counter()
    rules = set(args.rules)
    if args.held_out:
        judged = judge_held_out(rules)
        command = "bench/rule_lines_eval.py --held-out"
    else:
        judged = judge_folders(args.folders, rules)
        command = "bench/rule_lines_eval.py " + " ".join(str(f) for f in args.folders)
    if rules:
        command += " --rules " + " ".join(sorted(rules))
    lines = [
        f"## Rule lines: {args.name} (`{command}`)",
        "",
        f"Machine: {machine()}  ",
        f"Wall time: {time.perf_counter() - begin:.0f} s.",
        *_training_note(args.folders),
        *_held_out_note(args.held_out),
        "",
        *figure_table("all folders", judged),
    ]
    for writer in sorted({j.writer for j in judged}):
        lines += ["", *figure_table(writer, [j for j in judged if j.writer == writer])]
    if args.held_out:
        prohibitions = [j for j in judged if not j.disclosure]
        lines += ["", "### Violation threshold sweep", "", *threshold_rows(prohibitions)]
        chosen = rule_thresholds(prohibitions)
        lines += ["", "### Per-rule thresholds", "", *threshold_choice_rows(chosen)]
        if args.write_thresholds:
            write_thresholds(chosen)
    lines += ["", "### Per rule", "", *rule_rows(judged)]
    lines += ["", "### Per kind of line", "", *kind_rows(judged)]
    markdown = "\n".join(lines)
    print(markdown)
    if args.judged_out:
        rows = (json.dumps(asdict(j)) for j in judged)
        args.judged_out.write_text("".join(f"{r}\n" for r in rows), encoding="utf-8")
    if args.out:
        write_section(args.out, args.name, markdown)


if __name__ == "__main__":
    main()
