"""Telling a cut-off recording from a whole one, per format.

An interrupted upload or copy leaves a file that still decodes, only shorter; accepting it
would score half a call. Each format gives a different way to know:

* wav, flac, m4a and webm with a duration header declare their length: the decoded length
  must reach it (within a frame or two of the codec). FFmpeg takes a cut wav's length from
  the file size, so the wav ``data`` chunk's own size is checked against the bytes present;
  every top-level m4a box must end inside the file.
* ogg/opus declares nothing up front (its duration comes from the last page present), but a
  whole stream ends with a complete page flagged end-of-stream.
* webm written by a browser declares no length: every element must end inside the file.
* mp3 and raw aac (ADTS) are frames back to back; a cut shows as a last frame shorter than
  its own header says, or one the decoder rejects. An mp3 with a Xing/Info/VBRI header also
  declares its frame count. A cut exactly between two frames cannot be seen (docs/decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coach.speech.probe import ESTIMATED_LENGTH_FORMATS, AudioError, AudioInfo

_OGG = "ogg"
_WAV = "wav"
_MP4 = "mov,mp4,m4a,3gp,3g2,mj2"
_WAV_UNKNOWN_SIZES = (0, 0xFFFFFFFF)  # written by streaming recorders: no length to check
_MATROSKA = "matroska,webm"
_MP3_HEAD_BYTES = 200  # the frame-count header sits within a first frame's opening bytes
# PCM and FLAC decode to exactly the samples they declare; lossy codecs pad or trim a frame.
_EXACT_LENGTH_FORMATS = frozenset({"wav", "flac"})
_EXACT_TOLERANCE_S = 0.01
_MIN_TOLERANCE_S = 0.05
_CODEC_FRAME_SAMPLES = 2048  # two AAC frames, more than an Opus/Vorbis/FLAC block's padding
_OGG_EOS = 0x04
_MATROSKA_ENTERED = frozenset({0x18538067, 0x1F43B675})  # Segment, Cluster: walk inside them
_EBML_HEADER_MAX = 12  # a 4-byte id and an 8-byte size


@dataclass(frozen=True)
class DecodeOutcome:
    """What decoding found that bears on whether the file is whole."""

    seconds: float
    failed_part_way: bool
    last_frame_cut: bool


def check_complete(path: Path, info: AudioInfo, outcome: DecodeOutcome) -> None:
    """Raise :class:`AudioError` when ``path`` looks cut off, by the rules of its format."""
    if info.container in ESTIMATED_LENGTH_FORMATS:
        if outcome.failed_part_way or outcome.last_frame_cut:
            raise _cut_part_way(outcome.seconds)
        if not (info.container == "mp3" and mp3_declares_length(path)):
            return
    if info.container == _OGG and not ogg_ends_whole(path):
        raise _cut_part_way(outcome.seconds)
    if info.container == _MP4 and not mp4_boxes_whole(path):
        raise _cut_part_way(outcome.seconds)
    if info.container == _WAV and not wav_data_whole(path):
        raise _cut_part_way(outcome.seconds)
    unsized_webm = info.container == _MATROSKA and info.declared_duration is None
    if unsized_webm and (outcome.failed_part_way or not matroska_ends_whole(path)):
        raise _cut_part_way(outcome.seconds)
    declared = info.declared_duration
    tolerance = (
        _EXACT_TOLERANCE_S
        if info.container in _EXACT_LENGTH_FORMATS
        else max(_MIN_TOLERANCE_S, _CODEC_FRAME_SAMPLES / max(info.source_rate, 1))
    )
    if declared is not None and outcome.seconds < declared - tolerance:
        raise AudioError(
            f"The recording looks cut off (truncated): only {outcome.seconds:.1f} of its "
            f"{declared:.1f} seconds could be read. Please upload the complete file again."
        )


def _cut_part_way(seconds: float) -> AudioError:
    return AudioError(
        f"The recording looks cut off (truncated): it ends part-way through, after {seconds:.1f} "
        "seconds. Please upload the complete file again."
    )


def ogg_ends_whole(path: Path) -> bool:
    """Whether the file is whole Ogg pages back to back, the last one flagged end-of-stream."""
    size = path.stat().st_size
    position, ended = 0, False
    with path.open("rb") as handle:
        while position < size:
            handle.seek(position)
            header = handle.read(27)
            if len(header) < 27 or header[:4] != b"OggS":
                return False
            segments = handle.read(header[26])
            if len(segments) < header[26]:
                return False
            position += 27 + len(segments) + sum(segments)
            ended = bool(header[5] & _OGG_EOS)
    return position == size and ended


def wav_data_whole(path: Path) -> bool:
    """Whether the RIFF chunks up to and including ``data`` all end inside the file (a
    ``data`` size of 0 or 0xFFFFFFFF means a streaming writer left it unknown)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        position = 12  # "RIFF", its size, "WAVE"
        while position + 8 <= size:
            handle.seek(position)
            header = handle.read(8)
            chunk_size = int.from_bytes(header[4:8], "little")
            if header[:4] == b"data":
                return chunk_size in _WAV_UNKNOWN_SIZES or position + 8 + chunk_size <= size
            position += 8 + chunk_size + (chunk_size & 1)
    return position <= size


def mp4_boxes_whole(path: Path) -> bool:
    """Whether every top-level MP4 box (``ftyp``, ``moov``, ``mdat``…) ends inside the file."""
    size = path.stat().st_size
    position = 0
    with path.open("rb") as handle:
        while position + 8 <= size:
            handle.seek(position)
            header = handle.read(16)
            box_size = int.from_bytes(header[:4], "big")
            if box_size == 0:  # the last box runs to the end of the file
                return True
            if box_size == 1:
                if len(header) < 16:
                    return False
                box_size = int.from_bytes(header[8:16], "big")
            if box_size < 8:
                return False
            position += box_size
    return position == size


def matroska_ends_whole(path: Path) -> bool:
    """Whether every Matroska/WebM element (walking into the segment and its clusters, which
    a live recording writes without a size) ends within the file."""
    size = path.stat().st_size
    position, needed = 0, 0
    with path.open("rb") as handle:
        while position < size:
            handle.seek(position)
            element = _ebml_element(handle.read(_EBML_HEADER_MAX))
            if element is None:
                return False
            element_id, header_length, content = element
            end = position + header_length
            if content is not None:
                needed = max(needed, end + content)
            entered = element_id in _MATROSKA_ENTERED or content is None
            position = end if entered else end + (content or 0)
    return position == size and needed <= size


def _ebml_element(head: bytes) -> tuple[int, int, int | None] | None:
    """(id, header length, content size or None when unknown) of the element ``head`` opens."""
    element_id = _vint(head, 0, keep_marker=True)
    if element_id is None:
        return None
    value, id_length = element_id
    size = _vint(head, id_length, keep_marker=False)
    if size is None:
        return None
    size_value, size_length = size
    unknown = size_value == (1 << (7 * size_length)) - 1
    return value, id_length + size_length, None if unknown else size_value


def _vint(data: bytes, position: int, keep_marker: bool) -> tuple[int, int] | None:
    """An EBML variable-length integer: its value and length in bytes (None if cut/invalid)."""
    if position >= len(data) or data[position] == 0:
        return None
    length = 9 - data[position].bit_length()
    if position + length > len(data):
        return None
    value = int.from_bytes(data[position : position + length], "big")
    if not keep_marker:
        value &= (1 << (7 * length)) - 1
    return value, length


# MPEG audio header tables (ISO 11172-3 / 13818-3), Layer III only: kbit/s by index.
_MP3_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2 and 2.5
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def mp3_frame_length(header: bytes) -> int | None:
    """Bytes in the MPEG-1/2/2.5 Layer III frame that starts with ``header`` (None if it is
    not one, or is free-format)."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 3
    if layer != 1 or version == 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = _MP3_BITRATES[1 if version == 3 else 2][bitrate_index] * 1000
    rate = _MP3_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    return (144 if version == 3 else 72) * bitrate // rate + padding


def adts_frame_length(header: bytes) -> int | None:
    """Bytes in the ADTS (raw AAC) frame that starts with ``header``, header included."""
    if len(header) < 7 or header[0] != 0xFF or header[1] & 0xF6 != 0xF0:
        return None
    return ((header[3] & 0x03) << 11) | (header[4] << 3) | (header[5] >> 5)


def mp3_declares_length(path: Path) -> bool:
    """Whether the MP3's first frame is a Xing/Info/VBRI header, which counts the frames
    (then FFmpeg's duration is exact, not estimated from the bit rate)."""
    with path.open("rb") as handle:
        tag = handle.read(10)
        # An ID3v2 tag comes first; its size is four 7-bit ("syncsafe") bytes.
        skip = 0
        if tag[:3] == b"ID3" and len(tag) == 10:
            skip = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(tag[6:10]))
        handle.seek(skip)
        first_frame = handle.read(_MP3_HEAD_BYTES)
    return any(marker in first_frame for marker in (b"Xing", b"Info", b"VBRI"))
