"""Role-play by voice: how long a trainee waits for their spoken reply to be heard, and for the
debtor's voice to start.

    .venv/bin/python bench/roleplay_speech.py [--runs 7] [--out FILE]

Three timings, each over ``--runs`` runs with the models already loaded, as in a running app
with its settings: the reply transcriber (Whisper tiny.en, int8, greedy, no VAD, English,
two threads) and the debtor's Piper voice. Median and p95 of the wall clock, and the median
CPU seconds (what the figure would shrink towards on idle cores).

- *spoken reply*: a ~5-second reply read by Piper's joe voice, encoded by ffmpeg as a
  browser streams it (webm/opus, no declared length), through
  :func:`coach.speech.spoken_reply.transcribe_reply` (decode, checks, Whisper). Target: the
  spoken reply to the debtor's line text within 1.5 s, of which judging the typed reply is
  0.15-0.2 s (``bench/roleplay.py``), so <= 1.3 s here.
- *first audio*: a typical two-sentence debtor line split with ``split_sentences`` and its
  first sentence synthesized (the moment the first WAV can be sent). Target: <= 2 s.
- *whole line*: each sentence of a ~6-second debtor line synthesized, one after the other.

The cold load of each model (once per process) is reported beside them.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
import wave
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.docs_section import machine, write_section  # noqa: E402
from coach.speech.debtor_voice import DebtorVoice, split_sentences  # noqa: E402
from coach.speech.model_files import TINY_EN  # noqa: E402
from coach.speech.spoken_reply import transcribe_reply  # noqa: E402
from coach.speech.transcriber import AsrSettings, make_transcriber  # noqa: E402
from tests.wer import word_error_rate  # noqa: E402

SECTION = "roleplay-speech"
REPLY = (
    "I understand that this month is difficult. "
    "Could we talk about a payment plan that works for you?"
)
# Two sentences, the shape of most debtor lines in content/scenarios/.
TYPICAL_LINE = "Look, I already told the last person I can't pay. Why do you keep calling me?"
LONG_LINE = (
    "I lost my job in March and I've been behind on everything since. "
    "I want to pay this, but I can't give you money I don't have."
)
FIRST_AUDIO_TARGET_S = 2.0
REPLY_TARGET_S = 1.3


def browser_webm(wav: bytes) -> bytes:
    """``wav`` as MediaRecorder would send it: Opus in webm, streamed (no declared length)."""
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "wav", "-i", "pipe:0"]
    command += ["-c:a", "libopus", "-b:a", "32k", "-f", "webm", "pipe:1"]
    return subprocess.run(command, input=wav, capture_output=True, check=True).stdout


def timed(work: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each of ``runs`` calls of ``work``. On shared cores the
    wall clock also counts waiting for other processes; the CPU seconds (both threads
    together) do not, so they bound what an idle machine would take."""
    wall, cpu = [], []
    for _ in range(runs):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - begin)
        cpu.append(time.process_time() - begin_cpu)
    return wall, cpu


def p95(seconds: list[float]) -> float:
    """The 95th percentile (nearest rank): with few runs, the slowest or nearly."""
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def wav_seconds(wav: bytes) -> float:
    """Length of a WAV file."""
    with wave.open(io.BytesIO(wav), "rb") as audio:
        return audio.getnframes() / audio.getframerate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per timing (at least 5)")
    parser.add_argument("--out", type=Path, help="write the figures into this markdown file")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5 for a median and a p95 worth reading")

    begin = time.perf_counter()
    voice = DebtorVoice()
    voice.load()
    voice_load = time.perf_counter() - begin
    begin = time.perf_counter()
    transcriber = make_transcriber(AsrSettings(model=TINY_EN, beam_size=1, cpu_threads=2))
    whisper_load = time.perf_counter() - begin

    reply_wav = voice.synthesize(REPLY)
    clip = browser_webm(reply_wav)
    heard = transcribe_reply(clip, transcriber)  # warm-up, and the words for the table
    reply = timed(lambda: transcribe_reply(clip, transcriber), args.runs)
    first = timed(lambda: voice.synthesize(split_sentences(TYPICAL_LINE)[0]), args.runs)
    whole = timed(lambda: [voice.synthesize(s) for s in split_sentences(LONG_LINE)], args.runs)
    long_seconds = sum(wav_seconds(voice.synthesize(s)) for s in split_sentences(LONG_LINE))

    def row(name: str, seconds: tuple[list[float], list[float]], target: str) -> str:
        wall, cpu = seconds
        median, median_cpu = statistics.median(wall), statistics.median(cpu)
        return f"| {name} | {median:.3f} s | {p95(wall):.3f} s | {median_cpu:.3f} s | {target} |"

    lines = [
        "## Role-play by voice (`bench/roleplay_speech.py`)",
        "",
        f"Machine: {machine()}  ",
        f"{args.runs} runs each, models loaded (Piper joe medium {voice_load:.2f} s and "
        f"Whisper tiny.en {whisper_load:.2f} s to load, once per process).",
        "",
        "| timing | median | p95 | CPU s, median | target |",
        "|---|---|---|---|---|",
        row(
            f"spoken reply ({wav_seconds(reply_wav):.1f} s, webm/opus {len(clip) // 1024} KB)"
            " to text",
            reply,
            f"<= {REPLY_TARGET_S} s",
        ),
        row("first audio of a two-sentence debtor line", first, f"<= {FIRST_AUDIO_TARGET_S} s"),
        row(f"whole debtor line ({long_seconds:.1f} s of speech)", whole, "-"),
        "",
        f"Reply heard with WER {word_error_rate(REPLY, heard):.2f}: \u201c{heard}\u201d",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    if args.out:
        write_section(args.out, SECTION, markdown)


if __name__ == "__main__":
    main()
