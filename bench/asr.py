"""Speech-recognition benchmark: speed (real-time factor), accuracy (WER) and memory per backend.

    .venv/bin/python bench/asr.py [--runs 3] [--out docs/benchmarks.md]

Each configuration runs in its own child process, so its peak RSS is its own. The recordings
are synthesized once per benchmark, as the tests make theirs (tests/speech_synthesis.py): a
neural voice reading a few sentences, and two-voice practice calls of about one and two and a
half minutes. For every recording each run times the whole pipeline (store the file, decode,
transcribe, build turns, serialise the transcript) with the engine's share of that same run,
then the raw engine calls alone on the already-decoded channels; the median of ``--runs`` runs
is reported.
The overhead is measured inside each pipeline run, so machine noise between runs cannot
masquerade as pipeline cost.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.docs_section import write_section  # noqa: E402
from tests.speech_synthesis import (  # noqa: E402
    LONG_PRACTICE_CALL,
    PRACTICE_CALL,
    SPEECH,
    SPEECH_TEXT,
    call_recordings,
    convert,
    neural_speech,
    write_wav,
)

# recording (a file :func:`synthesize` writes) → the script of what is said; None: SPEECH
RECORDINGS = {
    "speech.flac": None,
    "practice_call.wav": PRACTICE_CALL,
    "practice_call_stereo.flac": PRACTICE_CALL,
    "practice_call_long.wav": LONG_PRACTICE_CALL,
}


# The target is stated for a 5-minute call: the default engine also runs one, five copies of
# the stereo practice call joined end to end with sox (only the default: it would add minutes).
LONG_CALL = "practice_call_stereo.flac"
LONG_CALL_COPIES = 5


@dataclass(frozen=True)
class Recording:
    """One audio file with what was said in it (``script`` turns when the speakers are known)."""

    name: str
    path: Path
    script: list | None
    text: str


@dataclass(frozen=True)
class Config:
    label: str
    backend: str
    beam_size: int
    cpu_threads: int | None = None  # None: the default (every core, up to four)
    long_call: bool = False


CONFIGS = {
    "faster-greedy": Config(
        "faster-whisper int8, greedy (default)", "faster-whisper", 1, long_call=True
    ),
    "faster-greedy-1t": Config("faster-whisper int8, greedy, 1 thread", "faster-whisper", 1, 1),
    "faster-beam5": Config("faster-whisper int8, beam 5", "faster-whisper", 5),
    "openai-greedy": Config("openai-whisper fp32, greedy (default)", "openai-whisper", 1),
}
COLUMNS = (
    "| engine, settings | threads | recording | audio s | channels | pipeline RTF | engine RTF "
    "| pipeline overhead | WER | speaker acc. | load s | peak RSS |"
)


class TimedRecognizer:
    """Passes calls to a recognizer and adds up the seconds they take."""

    def __init__(self, recognizer: object) -> None:
        self.recognizer = recognizer
        self.seconds = 0.0

    def recognize(self, *args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return self.recognizer.recognize(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


def synthesize(folder: Path) -> None:
    """Write every recording of :data:`RECORDINGS` into ``folder``, once for all configurations."""
    from tests.wer import read_script

    speech = write_wav(folder / "speech.wav", [neural_speech(SPEECH).samples])
    convert(speech, folder / "speech.flac")
    call = call_recordings(read_script(PRACTICE_CALL), folder, "practice_call")
    convert(call.stereo, folder / "practice_call_stereo.flac")
    call_recordings(read_script(LONG_PRACTICE_CALL), folder, "practice_call_long")


def measure(config_key: str, runs: int, recordings_dir: Path) -> list[dict[str, object]]:
    """Run one configuration over every recording (in this process) and return table rows."""
    from coach.speech.transcriber import AsrSettings, make_recognizer

    config = CONFIGS[config_key]
    settings = AsrSettings(backend=config.backend, beam_size=config.beam_size)
    if config.cpu_threads:
        settings = replace(settings, cpu_threads=config.cpu_threads)
    started = time.perf_counter()
    recognizer = make_recognizer(settings)
    load_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        recordings = [_recording(recordings_dir, name) for name in RECORDINGS]
        if config.long_call:
            recordings.append(_long_call(recordings_dir, Path(folder)))
        rows = [_measure_recording(settings, recognizer, r, runs) for r in recordings]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        {**row, "label": config.label, "load_s": load_s, "peak_rss_mb": peak_mb} for row in rows
    ]


def _recording(recordings_dir: Path, name: str) -> Recording:
    """A synthesized recording and its reference (its script's turns, or SPEECH's text)."""
    from tests.wer import read_script

    script_path = RECORDINGS[name]
    if script_path is None:
        return Recording(name, recordings_dir / name, None, SPEECH_TEXT)
    script = read_script(script_path)
    return Recording(name, recordings_dir / name, script, " ".join(text for _, text in script))


def _long_call(recordings_dir: Path, folder: Path) -> Recording:
    """The 5-minute stereo call: :data:`LONG_CALL` repeated, with its script repeated."""
    path = folder / "long_call.flac"
    copies = [str(recordings_dir / LONG_CALL)] * LONG_CALL_COPIES
    subprocess.run(["sox", *copies, str(path)], check=True)
    one = _recording(recordings_dir, LONG_CALL)
    return Recording(
        f"{LONG_CALL} x{LONG_CALL_COPIES}",
        path,
        (one.script or []) * LONG_CALL_COPIES,
        " ".join([one.text] * LONG_CALL_COPIES),
    )


def _measure_recording(settings, recognizer, recording: Recording, runs: int) -> dict[str, object]:
    """Median pipeline and engine times of one recording, with its WER and speaker accuracy."""
    from coach.speech.audio import decode_audio
    from coach.speech.transcriber import BACKENDS, default_channels
    from tests.wer import speaker_accuracy, word_error_rate

    audio = decode_audio(recording.path)
    channels = default_channels(audio)
    tracks = [audio.channel(i) for i in range(2)] if channels == "stereo" else [audio.mono()]
    vad = channels == "stereo" and BACKENDS[settings.backend].supports_vad
    pipeline, engine, overhead = [], [], []
    for _ in range(runs):
        seconds, inner, transcript = _pipeline_run(settings, recognizer, recording.path, channels)
        pipeline.append(seconds)
        overhead.append((seconds - inner) / inner)
        begin = time.perf_counter()
        for track in tracks:
            recognizer.recognize(track, None, vad)
        engine.append(time.perf_counter() - begin)
    hyp_text = " ".join(turn.text for turn in transcript.turns)
    script = recording.script
    return {
        "threads": settings.cpu_threads,
        "recording": recording.name,
        "duration": audio.duration,
        "channels": channels,
        "pipeline_rtf": statistics.median(pipeline) / audio.duration,
        "engine_rtf": statistics.median(engine) / audio.duration,
        "overhead": statistics.median(overhead),
        "wer": word_error_rate(recording.text, hyp_text),
        "speaker_accuracy": speaker_accuracy(script, transcript) if script else None,
    }


def _pipeline_run(settings, recognizer, path: Path, channels: str) -> tuple[float, float, object]:
    """What an upload costs: store the file, decode, transcribe, serialise the transcript.
    Returns total seconds, the engine's seconds within them, and the transcript."""
    from coach.speech.audio import decode_audio
    from coach.speech.transcriber import WhisperTranscriber
    from coach.storage import LocalRecordingStore

    timed = TimedRecognizer(recognizer)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        store = LocalRecordingStore(Path(folder))
        stored = store.path(store.put(path, path.suffix[1:]), path.suffix[1:])
        transcript = WhisperTranscriber(settings, timed).transcribe(decode_audio(stored), channels)
        transcript.model_dump_json()
        seconds = time.perf_counter() - started
    return seconds, timed.seconds, transcript


def markdown(rows: list[dict[str, object]], runs: int, load_before: float) -> str:
    """The results as a markdown section with the machine and versions it ran on.

    ``load_before`` is the 1-minute load average when the run began: Whisper on two threads
    slows by more than half beside any other busy process, so a reader must see it."""
    lines = [
        "## Speech recognition (bench/asr.py)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {_machine()}; "
        f"1-min load average {load_before:.1f} before the run; "
        f"median of {runs} runs; packaged Whisper tiny.en. "
        "RTF = processing seconds / audio seconds. *Pipeline* = store the file + decode + "
        "transcribe + turns + serialise; *engine* = the backend's own calls alone on the "
        "decoded channels; *pipeline overhead* = the pipeline's seconds outside the engine "
        "calls, as a share of the engine seconds in the same run. Speaker accuracy = share "
        "of correctly recognised words attributed to the right speaker.",
        "",
        COLUMNS,
        "|" + "---|" * (COLUMNS.count("|") - 1),
    ]
    for r in rows:
        accuracy = r["speaker_accuracy"]
        lines.append(
            f"| {r['label']} | {r['threads']} | {r['recording']} | {r['duration']:.0f} "
            f"| {r['channels']} | {r['pipeline_rtf']:.3f} | {r['engine_rtf']:.3f} "
            f"| {r['overhead']:.1%} | {r['wer']:.2f} "
            f"| {'-' if accuracy is None else f'{accuracy:.2f}'} | {r['load_s']:.1f} "
            f"| {r['peak_rss_mb']:.0f} MB |"
        )
    return "\n".join(lines) + "\n"


def _machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    libs = ", ".join(
        f"{name} {version(name)}"
        for name in ("faster-whisper", "ctranslate2", "openai-whisper", "torch", "av")
    )
    return f"{cpu}, {os.cpu_count()} cores, no GPU, Python {platform.python_version()}; {libs}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--config", choices=CONFIGS, help=argparse.SUPPRESS)
    parser.add_argument("--recordings", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    load_before = os.getloadavg()[0]
    if args.config:
        print(json.dumps(measure(args.config, args.runs, args.recordings)))
        return
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as recordings:
        synthesize(Path(recordings))
        for key in CONFIGS:
            command = [sys.executable, __file__, "--config", key, "--runs", str(args.runs)]
            child = subprocess.run(
                [*command, "--recordings", recordings], check=True, capture_output=True, text=True
            )
            rows += json.loads(child.stdout.strip().splitlines()[-1])
    table = markdown(rows, args.runs, load_before)
    print(table)
    write_section(args.out, "asr", table)


if __name__ == "__main__":
    main()
