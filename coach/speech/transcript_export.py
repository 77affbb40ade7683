"""Plain-text and WebVTT renderings of a transcript, for download."""

from __future__ import annotations

from coach.transcript import Transcript

_LABELS = {"agent": "Agent", "debtor": "Debtor"}


def clock(seconds: float | None, *, vtt: bool = False) -> str:
    """``m:ss`` for reading, or WebVTT's ``hh:mm:ss.mmm``."""
    if seconds is None:
        return ""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    if vtt:
        return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"
    return f"{hours * 60 + minutes}:{secs:02d}"


def to_text(transcript: Transcript) -> str:
    """One ``[m:ss] Speaker: text`` line per turn."""
    lines = []
    for turn in transcript.turns:
        stamp = f"[{clock(turn.start)}] " if turn.start is not None else ""
        lines.append(f"{stamp}{_LABELS[turn.speaker]}: {turn.text}")
    return "\n".join(lines) + "\n"


def to_webvtt(transcript: Transcript) -> str:
    """WebVTT captions with the speaker as a voice tag; untimed turns are left out."""
    cues = ["WEBVTT", ""]
    for number, turn in enumerate(transcript.turns, start=1):
        if turn.start is None or turn.end is None:
            continue
        text = turn.text.replace("-->", "->").replace("\n", " ")
        cues += [
            str(number),
            f"{clock(turn.start, vtt=True)} --> {clock(turn.end, vtt=True)}",
            f"<v {_LABELS[turn.speaker]}>{text}",
            "",
        ]
    return "\n".join(cues)
