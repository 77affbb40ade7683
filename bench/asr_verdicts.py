"""Do calls heard by Whisper get the verdicts of their text, in stereo and in mono?

    .venv/bin/python bench/asr_verdicts.py [--calls 8] [--out docs/benchmarks.md]

Each dev call of ``tests/data/scoring/calls`` is synthesized as ``bench/scoring_eval.py``
does it (espeak-ng, one voice per speaker, one speaker per channel), and the same two sides
are also mixed into one channel: the stereo file is transcribed as ``stereo``, the mixed one
as ``mono2`` (two speakers on one channel), both by the real Whisper model practice calls
get by default (base), and the gold text and both transcripts are scored by the real scoring
pipeline. A call *agrees* when the sets of ``(rule, status)`` verdicts with status violation
or missing are equal.

Reported: agreement of stereo and of mono with the gold text, of mono with stereo, and per
call the rule ids on which they differ (never transcript text: this table is committed).
``--show`` prints the transcripts to the terminal for diagnosis.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import scoring_eval  # noqa: E402
from bench.docs_section import machine, write_section  # noqa: E402
from coach.catalog import load_catalog  # noqa: E402
from coach.engines import load_scoring_models  # noqa: E402
from coach.nlp.encoder import load_default_encoder  # noqa: E402
from coach.scoring.pipeline import ScoringModels, score_transcript  # noqa: E402
from coach.scoring.result import Scorecard  # noqa: E402
from coach.speech.transcriber import Transcriber  # noqa: E402
from coach.speech.turns import Segment  # noqa: E402
from coach.transcript import Transcript, Word  # noqa: E402

Verdicts = frozenset[tuple[str, str]]
DEFAULT_DEBTOR_VOICE = scoring_eval.VOICES["debtor"]
# The espeak-ng voice the first sections were measured with (scoring_eval's agent is Piper's).
DEFAULT_AGENT_VOICE = "en-us"


def flagged_verdicts(result: Scorecard) -> Verdicts:
    """``(rule, status)`` of every violation and missing finding."""
    return frozenset(
        (f.rule_id, f.status) for f in result.findings if f.status in scoring_eval.FLAGGED
    )


def pick(calls: list[dict], count: int) -> list[dict]:
    """Half with expected findings, half without, in file order (as scoring_eval picks)."""
    picked = [c for c in calls if c["expected"]["findings"]][: count // 2]
    picked += [c for c in calls if not c["expected"]["findings"]][: count - len(picked)]
    return picked


def recordings(call: dict, folder: Path) -> tuple[Path, Path]:
    """The stereo file of ``scoring_eval.synthesize`` and the same two sides mixed in one."""
    stereo = scoring_eval.synthesize(call, folder)
    mono = folder / "mono.wav"
    sides = [str(folder / "agent.wav"), str(folder / "debtor.wav")]
    # The sides never overlap (each is silent while the other speaks): add them unscaled.
    subprocess.run(["sox", "-m", "-v", "1", sides[0], "-v", "1", sides[1], str(mono)], check=True)
    return stereo, mono


def diff(expected: Verdicts, got: Verdicts) -> str:
    """What ``got`` adds (+) and lacks (-) against ``expected``, rule ids and status only."""
    parts = [f"+{r} ({s})" for r, s in sorted(got - expected)]
    parts += [f"-{r} ({s})" for r, s in sorted(expected - got)]
    return ", ".join(parts) or "="


def show(label: str, transcript: Transcript) -> None:
    print(f"  [{label}]")
    for turn in transcript.turns:
        print(f"    {turn.start:6.2f} {turn.speaker:6} {turn.text}")


class CachedRecognizer:
    """The engine's raw segments per (audio, VAD) kept in ``folder``: a second run (another
    version of the turn code, say) reuses them and skips recognition. Everything after the
    engine (cleaning, turns, scoring) still runs for real."""

    def __init__(self, recognizer: Any, folder: Path) -> None:
        self.recognizer = recognizer
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def recognize(self, samples: Any, progress: Any = None, vad: bool = False) -> list[Segment]:
        key = hashlib.sha256(samples.tobytes() + bytes([vad])).hexdigest()
        path = self.folder / f"{key}.json"
        if path.exists():
            return [
                Segment(s["start"], s["end"], s["text"], tuple(Word(**w) for w in s["words"]))
                for s in json.loads(path.read_text("utf-8"))
            ]
        segments = self.recognizer.recognize(samples, progress, vad)
        kept = [
            {
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "words": [{"w": w.w, "start": w.start, "end": w.end} for w in s.words],
            }
            for s in segments
        ]
        path.write_text(json.dumps(kept), "utf-8")
        return segments


def run(
    calls: list[dict],
    models: ScoringModels,
    transcriber: Transcriber,
    verbose: bool,
    asr_cache: Path | None = None,
) -> tuple[list[str], dict]:
    from coach.speech.transcriber import transcribe_file

    if asr_cache is not None:
        transcriber.recognizer = CachedRecognizer(transcriber.recognizer, asr_cache)
    lines = [
        "| call | stereo vs text | mono vs text | mono vs stereo |",
        "|---|---|---|---|",
    ]
    agree = {"stereo": 0, "mono": 0, "mono-stereo": 0}
    seconds: dict[str, list[float]] = {"stereo": [], "mono": []}
    for call in calls:
        scored: dict[str, Verdicts] = {}
        gold = score_transcript(call["transcript"], call["jurisdiction"], call["metadata"], models)
        scored["text"] = flagged_verdicts(gold)
        with tempfile.TemporaryDirectory() as tmp:
            stereo_file, mono_file = recordings(call, Path(tmp))
            heard: dict[str, Transcript] = {}
            for mode, path, channels in (
                ("stereo", stereo_file, "stereo"),
                ("mono", mono_file, "mono2"),
            ):
                begin = time.perf_counter()
                heard[mode] = transcribe_file(path, channels, transcriber=transcriber)
                seconds[mode].append(time.perf_counter() - begin)
        for mode, transcript in heard.items():
            result = score_transcript(transcript, call["jurisdiction"], call["metadata"], models)
            scored[mode] = flagged_verdicts(result)
        stereo_ok = scored["stereo"] == scored["text"]
        mono_ok = scored["mono"] == scored["text"]
        same = scored["mono"] == scored["stereo"]
        agree["stereo"] += stereo_ok
        agree["mono"] += mono_ok
        agree["mono-stereo"] += same
        row = (
            diff(scored["text"], scored["stereo"]),
            diff(scored["text"], scored["mono"]),
            diff(scored["stereo"], scored["mono"]),
        )
        lines.append(f"| {call['id']} | {' | '.join(row)} |")
        print(f"{call['id']}: stereo {row[0]}; mono {row[1]}; mono-stereo {row[2]}", flush=True)
        if verbose:
            print("  [text]")
            for turn in call["transcript"]["turns"]:
                print(f"           {turn['speaker']:6} {turn['text']}")
            for mode, transcript in heard.items():
                show(mode, transcript)
    figures = {name: count / len(calls) for name, count in agree.items()}
    figures |= {f"{mode} s": statistics.median(s) for mode, s in seconds.items()}
    return lines, figures


def report(figures: dict, lines: list[str], count: int, wall: float, model: str) -> str:
    voices = scoring_eval.VOICES
    command = f".venv/bin/python bench/asr_verdicts.py --calls {count}"
    if voices["debtor"] != DEFAULT_DEBTOR_VOICE:
        command += f" --debtor-voice {voices['debtor']}"
    if voices["agent"] != DEFAULT_AGENT_VOICE:
        command += f" --agent-voice {voices['agent']}"
    return "\n".join(
        [
            "## Verdicts from Whisper transcripts, stereo and mono (`bench/asr_verdicts.py`, "
            f"agent voice {voices['agent']}, debtor voice {voices['debtor']})",
            "",
            f"Command: `{command}`  ",
            f"Machine: {machine()}  ",
            f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. {count} dev calls of "
            "`tests/data/scoring/calls` (half with expected findings), synthesized "
            f"(agent {voices['agent']}, debtor {voices['debtor']}; {scoring_eval.PIPER_VOICE} is "
            "Piper's neural voice, the others espeak-ng's; "
            f"{scoring_eval.GAP_S} s between turns), transcribed by "
            f"{model} (greedy, int8). A call agrees when its sets of (rule, "
            "status) verdicts with status violation or missing are equal.",
            "",
            "| figure | value |",
            "|---|---|",
            f"| stereo transcript vs text, same verdicts | {figures['stereo']:.0%} |",
            f"| mono (mixed) transcript vs text, same verdicts | {figures['mono']:.0%} |",
            f"| mono vs stereo, same verdicts | {figures['mono-stereo']:.0%} |",
            f"| median transcription s per call, stereo | {figures['stereo s']:.1f} |",
            f"| median transcription s per call, mono | {figures['mono s']:.1f} |",
            "",
            "Per call: verdicts the second adds (+) or lacks (-) against the first; = same.",
            "",
            *lines,
            "",
            f"Wall time: {wall:.0f} s.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=8, help="dev calls to use (0: all)")
    parser.add_argument("--out", type=Path, default=None, help="docs file to write into")
    parser.add_argument(
        "--model-cache",
        type=Path,
        default=REPO / "instance" / "model-cache",
        help="scoring model cache (trained once, then read)",
    )
    parser.add_argument(
        "--agent-voice",
        default=DEFAULT_AGENT_VOICE,
        help=f"espeak-ng voice of the agent, or {scoring_eval.PIPER_VOICE} (Piper's neural voice)",
    )
    parser.add_argument(
        "--debtor-voice",
        default=DEFAULT_DEBTOR_VOICE,
        help="espeak-ng voice of the debtor (the agent keeps scoring_eval's)",
    )
    parser.add_argument(
        "--asr-cache",
        type=Path,
        default=None,
        help="keep and reuse Whisper's raw segments here (a second run skips recognition)",
    )
    parser.add_argument("--show", action="store_true", help="print transcripts (terminal only)")
    args = parser.parse_args()
    # synthesize() reads the voices from scoring_eval's table at call time.
    scoring_eval.VOICES["debtor"] = args.debtor_voice
    scoring_eval.VOICES["agent"] = args.agent_voice
    _, calls = scoring_eval.load_dev_set()
    count = args.calls if 0 < args.calls <= len(calls) else len(calls)
    begin = time.perf_counter()
    args.model_cache.mkdir(parents=True, exist_ok=True)
    models = load_scoring_models(
        load_catalog(REPO / "content"), args.model_cache, load_default_encoder()
    )
    transcriber = scoring_eval.calls_transcriber(args.model_cache)
    lines, figures = run(pick(calls, count), models, transcriber, args.show, args.asr_cache)
    markdown = report(figures, lines, count, time.perf_counter() - begin, transcriber.model_id)
    print(markdown)
    if args.out:
        voice = "" if args.debtor_voice == DEFAULT_DEBTOR_VOICE else f"-{args.debtor_voice}"
        if args.agent_voice != DEFAULT_AGENT_VOICE:
            voice += f"-agent-{args.agent_voice}"
        write_section(args.out, f"asr-verdicts{voice}", markdown)


if __name__ == "__main__":
    main()
