"""Writes quick_yes.ogg (both voices on one channel) and quick_yes_stereo.ogg (agent left,
debtor right) from quick_yes.script: the agent (espeak-ng en-us) asks for James Porter by
name and the debtor (Piper's neural "joe" voice, a little faster) answers "Yes." after a
0.25 s pause, as a quick answer on a real line sounds. Committed with its output, so the
tests need no synthesis; run it again only to change the call:

    PYTHONPATH=. .venv/bin/python tests/data/calls/make_quick_yes.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.speech_synthesis import (  # noqa: E402
    AGENT_VOICE,
    SAMPLE_RATE,
    _resample,
    espeak,
    neural_speech,
    write_wav,
)
from tests.wer import read_script  # noqa: E402

SCRIPT = HERE / "quick_yes.script"
STEREO = "quick_yes_stereo.ogg"
# Pause after each line: the answer to "Am I speaking with James Porter?" comes quickly.
QUICK_S, PAUSE_S = 0.25, 0.5
DEBTOR_TEMPO = "1.1"


def debtor_voice(text: str, folder: Path) -> np.ndarray:
    """Piper's voice, sped up by sox (pitch kept), trimmed of its lead-in and tail silence."""
    plain = write_wav(folder / "plain.wav", [neural_speech([text]).samples])
    faster = folder / "faster.wav"
    subprocess.run(["sox", str(plain), str(faster), "tempo", DEBTOR_TEMPO], check=True)
    samples = _resample(faster.read_bytes())
    loud = np.flatnonzero(np.abs(samples) >= 0.02)
    return samples[max(0, loud[0] - 160) : loud[-1] + 160]


def main() -> None:
    # Without -R sox dithers with fresh random noise: each run would write other audio.
    os.environ.setdefault("SOX_OPTS", "-R")
    lines = read_script(SCRIPT)
    sides: dict[str, list[np.ndarray]] = {"agent": [], "debtor": []}
    with tempfile.TemporaryDirectory() as tmp:
        for index, (speaker, text) in enumerate(lines):
            if speaker == "agent":
                speech = espeak(text, AGENT_VOICE)
                loud = np.flatnonzero(np.abs(speech) >= 0.02)
                speech = speech[max(0, loud[0] - 160) : loud[-1] + 160]
            else:
                speech = debtor_voice(text, Path(tmp))
            quick = index == 0 or lines[index - 1][1].endswith("James Porter?")
            pause = np.zeros(int((QUICK_S if quick else PAUSE_S) * SAMPLE_RATE), np.float32)
            for side, parts in sides.items():
                parts += [speech if side == speaker else np.zeros_like(speech), pause]
        agent, debtor = np.concatenate(sides["agent"]), np.concatenate(sides["debtor"])
        mono = write_wav(Path(tmp) / "mono.wav", [agent + debtor])
        stereo = write_wav(Path(tmp) / "stereo.wav", [agent, debtor])
        # Opus in Ogg, as small as the browser's own recordings (~70 and ~110 KB).
        for source, target, rate in ((mono, "quick_yes.ogg", "24k"), (stereo, STEREO, "40k")):
            command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(source)]
            command += ["-c:a", "libopus", "-b:a", rate, "-fflags", "+bitexact"]
            command += ["-serial_offset", "1", str(HERE / target)]
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
