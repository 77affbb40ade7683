"""Which Whisper for which use: packaged tiny.en against base, on calls and on short replies.

    .venv/bin/python bench/asr_models.py [--runs 3] [--calls 4] [--out docs/benchmarks.md]

Two uses, two measures, same engine settings as the app (faster-whisper int8, greedy, every
core up to four, language "en"):

- *calls*: ``--calls`` dev-set calls of ``tests/data/scoring/calls``, evenly spread over the
  sorted list (so US, UK and IN calls), spoken by espeak-ng's two voices as stereo files
  (agent left, debtor right) and transcribed as an upload is: decode + transcribe + turns.
  Figures: WER pooled over the calls (all edits / all reference words), speaker accuracy,
  and the median of ``--runs`` runs of the seconds for all of them, as RTF.
- *replies*: the first agent line of each of those calls as a short mono recording, as a
  trainee's spoken role-play reply would arrive, once read by the Piper joe voice and once
  by espeak-ng's agent voice. Figures: pooled
  WER and the median seconds per reply (the trainee waits for this).

Each run of each model is its own child process (its own peak RSS, a cold start like a
worker's), the two models taking turns run by run, so that load from other work on shared
cores falls on both alike. Whisper base is assembled from its two packages into a temporary
model cache first in each child, and the seconds that takes are reported too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.docs_section import machine, write_section  # noqa: E402

MODELS = ("tiny.en", "base")
CALLS_DIR = REPO / "tests" / "data" / "scoring" / "calls"
SECTION = "asr-models"


def synthesize(folder: Path, count: int) -> dict[str, object]:
    """Write the stereo calls and the spoken replies into ``folder``; their references."""
    from tests.speech_synthesis import AGENT_VOICE, espeak, neural_speech, two_voice_call, write_wav

    calls, replies = [], []
    every = sorted(CALLS_DIR.glob("*.json"))
    chosen = sorted({every[round(i * len(every) / count)] for i in range(min(count, len(every)))})
    for path in chosen:
        call = json.loads(path.read_text(encoding="utf-8"))
        lines = [(t["speaker"], t["text"]) for t in call["transcript"]["turns"]]
        stereo = write_wav(folder / f"{call['id']}.wav", two_voice_call(lines))
        calls.append({"path": str(stereo), "lines": lines})
        reply = next(text for speaker, text in lines if speaker == "agent")
        for voice, samples in (
            ("piper", neural_speech([reply]).samples),
            ("espeak", espeak(reply, AGENT_VOICE)),
        ):
            spoken = write_wav(folder / f"{call['id']}_reply_{voice}.wav", [samples])
            replies.append({"path": str(spoken), "text": reply, "voice": voice})
    return {"calls": calls, "replies": replies}


def measure(model: str, runs: int, recordings: dict) -> dict[str, object]:
    """One model over every recording, in this process."""
    from coach.speech.audio import decode_audio
    from coach.speech.transcriber import AsrSettings, Channels, make_transcriber
    from coach.transcript import Transcript

    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        settings = AsrSettings(model=model, model_cache_dir=cache, beam_size=1)
        settings.model_path()  # assembles Whisper base; tiny.en is only looked up
        assemble_s = time.perf_counter() - started
        started = time.perf_counter()
        transcriber = make_transcriber(settings)
        load_s = time.perf_counter() - started

        def run(path: str, channels: Channels) -> tuple[float, Transcript]:
            begin = time.perf_counter()
            transcript = transcriber.transcribe(decode_audio(path), channels)
            return time.perf_counter() - begin, transcript

        call_seconds, call_transcripts = [], []
        for _ in range(runs):
            results = [run(c["path"], "stereo") for c in recordings["calls"]]
            call_seconds.append(sum(s for s, _ in results))
            call_transcripts = [t for _, t in results]
        reply_seconds, reply_transcripts = [], []
        for reply in recordings["replies"]:
            results = [run(reply["path"], "mono1") for _ in range(runs)]
            reply_seconds.append(statistics.median(s for s, _ in results))
            reply_transcripts.append(results[-1][1])
        call_audio = sum(t.duration for t in call_transcripts)
        reply_audio = [t.duration for t in reply_transcripts]
        return {
            "model": model,
            "model_id": transcriber.model_id,
            "threads": settings.cpu_threads,
            "assemble_s": assemble_s,
            "load_s": load_s,
            "calls": len(call_transcripts),
            "call_audio_s": call_audio,
            "call_s": statistics.median(call_seconds),
            "call_wer": _pooled_wer(
                [" ".join(text for _, text in c["lines"]) for c in recordings["calls"]],
                [" ".join(turn.text for turn in t.turns) for t in call_transcripts],
            ),
            "speaker_accuracy": _speaker_accuracy(recordings["calls"], call_transcripts),
            "replies": len(reply_transcripts),
            "reply_audio_s": statistics.median(reply_audio),
            "reply_s": statistics.median(reply_seconds),
            "reply_s_max": max(reply_seconds),
            "reply_seconds": reply_seconds,
            **{
                f"reply_wer_{voice}": _pooled_wer(
                    [r["text"] for r in recordings["replies"] if r["voice"] in voices],
                    [
                        " ".join(turn.text for turn in t.turns)
                        for r, t in zip(recordings["replies"], reply_transcripts, strict=True)
                        if r["voice"] in voices
                    ],
                )
                for voice, voices in (
                    ("all", ("piper", "espeak")),
                    ("piper", ("piper",)),
                    ("espeak", ("espeak",)),
                )
            },
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }


def _merged(runs: list[dict]) -> dict:
    """One model's runs (one child process each) as one row: medians of the times, the
    largest peak RSS; the text is the same in every run (greedy decoding)."""
    row = dict(runs[0])
    for key in ("call_s", "load_s", "assemble_s"):
        row[key] = statistics.median(r[key] for r in runs)
    each = zip(*(r["reply_seconds"] for r in runs), strict=True)
    per_reply = [statistics.median(seconds) for seconds in each]
    row["reply_s"], row["reply_s_max"] = statistics.median(per_reply), max(per_reply)
    row["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    return row


def _pooled_wer(references: list[str], hypotheses: list[str]) -> float:
    """All edits over all reference words (a long call weighs more than a short one)."""
    from tests.wer import normalise_words, word_error_rate

    words = [len(normalise_words(r)) for r in references]
    edits = sum(
        word_error_rate(r, h) * n for r, h, n in zip(references, hypotheses, words, strict=True)
    )
    return edits / sum(words)


def _speaker_accuracy(calls: list[dict], transcripts: list) -> float:
    from tests.wer import speaker_accuracy

    scores = [speaker_accuracy(c["lines"], t) for c, t in zip(calls, transcripts, strict=True)]
    return statistics.mean(scores)


def markdown(rows: list[dict], runs: int, load_before: float, command: str) -> str:
    """The section for docs/benchmarks.md, in the other sections' form."""
    calls, replies = rows[0]["calls"], rows[0]["replies"]
    lines = [
        "## Whisper tiny.en against base, per use (`bench/asr_models.py`)",
        "",
        f"Command: `{command}`  ",
        f"Machine: {machine()} (1-min load average {load_before:.1f} before the run); "
        f"{_libraries()}  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. faster-whisper int8, greedy, "
        f"{rows[0]['threads']} threads, language en; median of {runs} runs. *Calls*: "
        f"{calls} dev-set calls (`tests/data/scoring/calls`, evenly spread) as stereo files in "
        "espeak-ng's two voices, decoded and transcribed as an upload is "
        f"({rows[0]['call_audio_s']:.0f} s of audio in all). *Replies*: the first agent line "
        "of each call, read by the Piper joe voice and by espeak-ng, mono, one at a time "
        f"({replies} replies, "
        f"median {rows[0]['reply_audio_s']:.1f} s). WER pooled (all edits / all reference "
        "words).",
        "",
        "| model | calls WER | speaker acc. | calls s | calls RTF | replies WER "
        "| replies WER Piper / espeak | reply s (median) | reply s (max) | load s | assemble s "
        "| peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model_id']} | {r['call_wer']:.3f} | {r['speaker_accuracy']:.2f} "
            f"| {r['call_s']:.1f} | {r['call_s'] / r['call_audio_s']:.3f} "
            f"| {r['reply_wer_all']:.3f} | {r['reply_wer_piper']:.3f} / "
            f"{r['reply_wer_espeak']:.3f} | {r['reply_s']:.2f} | {r['reply_s_max']:.2f} "
            f"| {r['load_s']:.1f} | {r['assemble_s']:.1f} | {r['peak_rss_mb']:.0f} MB |"
        )
    tiny, base = (next(r for r in rows if r["model"] == m) for m in MODELS)
    lines += [
        "",
        f"Base against tiny.en: calls WER {base['call_wer']:.3f} vs {tiny['call_wer']:.3f}, "
        f"{base['call_s'] / tiny['call_s']:.2f}x the time; replies WER "
        f"{base['reply_wer_all']:.3f} vs {tiny['reply_wer_all']:.3f}, "
        f"{base['reply_s'] / tiny['reply_s']:.2f}x the wait.",
    ]
    return "\n".join(lines) + "\n"


def _libraries() -> str:
    return ", ".join(f"{n} {version(n)}" for n in ("faster-whisper", "ctranslate2"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--model", choices=MODELS, help=argparse.SUPPRESS)
    parser.add_argument("--recordings", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.runs < 1 or args.calls < 1:
        parser.error("--runs and --calls must be at least 1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.model:
        recordings = json.loads(args.recordings.read_text(encoding="utf-8"))
        print(json.dumps(measure(args.model, args.runs, recordings)))
        return
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        index = Path(folder) / "recordings.json"
        index.write_text(json.dumps(synthesize(Path(folder), args.calls)), encoding="utf-8")
        # One run per child, the models taking turns: load from other work on shared cores
        # then falls on both alike instead of on whichever model ran during it.
        runs: dict[str, list[dict]] = {model: [] for model in MODELS}
        for _ in range(args.runs):
            for model in MODELS:
                command = [sys.executable, __file__, "--model", model, "--runs", "1"]
                child = subprocess.run(
                    [*command, "--recordings", str(index)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                runs[model].append(json.loads(child.stdout.strip().splitlines()[-1]))
        rows = [_merged(runs[model]) for model in MODELS]
    command = f".venv/bin/python bench/asr_models.py --runs {args.runs} --calls {args.calls}"
    table = markdown(rows, args.runs, load_before, command)
    print(table)
    write_section(args.out, SECTION, table)


if __name__ == "__main__":
    main()
