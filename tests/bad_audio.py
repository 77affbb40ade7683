"""Bad recordings for the upload fuzz test, made at test time from a few small real files.

``ffmpeg``/``sox`` make one short recording per accepted format plus the shapes that once
hurt Coach (many channels, absurd rates, lying length headers); seeded ``random`` then
cuts, bit-flips, splices and garbles them, so a run is reproducible from its seed.
"""

from __future__ import annotations

import random
import struct
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

# extension -> ffmpeg output options (a browser's webm is written to a pipe: no duration)
FORMATS: dict[str, tuple[str, ...]] = {
    "wav": (),
    "flac": ("-c:a", "flac"),
    "ogg": ("-c:a", "libopus"),
    "opus": ("-c:a", "libopus", "-f", "ogg"),
    "oga": ("-c:a", "libvorbis", "-f", "ogg"),
    "mp3": ("-c:a", "libmp3lame"),
    "m4a": ("-c:a", "aac", "-movflags", "+faststart"),
    "aac": ("-c:a", "aac", "-f", "adts"),
    "webm": ("-c:a", "libopus", "-f", "webm"),
}
MANY_CHANNEL_FORMATS = ("wav", "flac", "ogg", "opus")


def ffmpeg(*args: str, stdout: object = None) -> None:
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args]
    subprocess.run(command, check=True, stdout=stdout, capture_output=stdout is None)


def tone(path: Path, seconds: float = 0.5, rate: int = 8000, channels: int = 1) -> Path:
    """A short sine tone written by ffmpeg in the format ``path``'s extension names."""
    source = f"sine=frequency=440:sample_rate={rate}:duration={seconds}"
    options = FORMATS[path.suffix.lstrip(".")]
    layout = ("-ac", str(channels)) if channels > 1 else ()
    if path.suffix == ".webm":
        with path.open("wb") as out:
            ffmpeg("-f", "lavfi", "-i", source, *layout, *options, "-", stdout=out)
    else:
        ffmpeg("-f", "lavfi", "-i", source, *layout, *options, str(path))
    return path


def many_channels(folder: Path, extension: str, channels: int) -> Path:
    """A short recording with ``channels`` channels (8 crashed PyAV's ``to_ndarray``)."""
    wav = folder / f"ch{channels}.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", str(channels), str(wav), "synth", "0.1",
                    "sine", "440"], check=True, capture_output=True)  # fmt: skip
    if extension == "wav":
        return wav
    path = folder / f"ch{channels}.{extension}"
    options = FORMATS[extension]
    mapping = ("-mapping_family", "255") if extension in ("ogg", "opus") and channels > 8 else ()
    ffmpeg("-i", str(wav), *options, *mapping, str(path))
    return path


def wav_header(
    channels: int = 1, rate: int = 8000, bits: int = 16, data_size: int = 0, body: bytes = b""
) -> bytes:
    """A PCM WAV whose header may say anything: ``data_size`` need not match ``body``."""
    block = max(channels * bits // 8, 0) & 0xFFFF
    fmt = struct.pack("<HHIIHH", 1, channels & 0xFFFF, rate, rate * block & 0xFFFFFFFF, block,
                      bits)  # fmt: skip
    chunk = b"WAVEfmt " + struct.pack("<I", len(fmt)) + fmt
    chunk += b"data" + struct.pack("<I", data_size & 0xFFFFFFFF) + body
    return b"RIFF" + struct.pack("<I", len(chunk) & 0xFFFFFFFF) + chunk


def flac_declaring(flac: bytes, total_samples: int) -> bytes:
    """``flac`` with STREAMINFO's 36-bit total-sample count replaced (a lying length)."""
    # "fLaC", 4-byte block header, then STREAMINFO: the count is the low 36 bits of bytes 10-17.
    start = 4 + 4 + 10
    packed = int.from_bytes(flac[start : start + 8], "big")
    packed = (packed & ~((1 << 36) - 1)) | (total_samples & ((1 << 36) - 1))
    return flac[:start] + packed.to_bytes(8, "big") + flac[start + 8 :]


def real_files(folder: Path) -> dict[str, bytes]:
    """One good short mono and stereo recording per accepted format, by file name."""
    files = {}
    for extension in FORMATS:
        for channels in (1, 2):
            path = tone(folder / f"tone{channels}.{extension}", channels=channels)
            files[path.name] = path.read_bytes()
    return files


def special_files(folder: Path) -> dict[str, bytes]:
    """The shapes from issue #10: many channels, a 25 Hz wav, 2^35 declared samples."""
    files = {}
    for extension in MANY_CHANNEL_FORMATS:
        for channels in (8, 9, 64) if extension != "flac" else (8,):
            path = many_channels(folder, extension, channels)
            files[path.name] = path.read_bytes()
    samples = bytes(343_000)
    files["rate25.wav"] = wav_header(rate=25, data_size=len(samples), body=samples)
    files["huge-declared.wav"] = wav_header(rate=8000, data_size=2**32 - 1, body=bytes(8000))
    flac = tone(folder / "short.flac").read_bytes()
    files["huge-declared.flac"] = flac_declaring(flac, 2**35)
    return files


Mutation = Callable[[random.Random, str, bytes], tuple[str, bytes]]


def _cut(rng: random.Random, name: str, data: bytes) -> tuple[str, bytes]:
    return name, data[: rng.randrange(0, max(len(data) - 1, 1))]


def _flip_bits(rng: random.Random, name: str, data: bytes) -> tuple[str, bytes]:
    flipped = bytearray(data)
    for _ in range(rng.randint(1, 24)):
        # Mostly in the headers, where a flip changes what the container claims.
        span = min(len(flipped), 256) if rng.random() < 0.7 else len(flipped)
        position = rng.randrange(span)
        flipped[position] ^= 1 << rng.randrange(8)
    return name, bytes(flipped)


def _random_bytes(rng: random.Random, name: str, data: bytes) -> tuple[str, bytes]:
    return name, rng.randbytes(rng.choice((1, 4, 12, 44, 512, 4096)))


def _keep_head_garble_tail(rng: random.Random, name: str, data: bytes) -> tuple[str, bytes]:
    head = data[: rng.randrange(4, min(len(data), 400))]
    return name, head + rng.randbytes(rng.randrange(1, 8192))


def _lying_wav(rng: random.Random, name: str, data: bytes) -> tuple[str, bytes]:
    body = rng.randbytes(rng.choice((0, 2, 1000, 16000)))
    header = wav_header(
        channels=rng.choice((0, 1, 2, 3, 8, 64, 65535)),
        rate=rng.choice((0, 1, 25, 7999, 8000, 192001, 2**31 - 1)),
        bits=rng.choice((0, 7, 8, 12, 16, 24, 32, 64)),
        data_size=rng.choice((0, len(body), len(body) * 7, 2**31, 2**32 - 1)),
        body=body,
    )
    return "lying.wav", header


def _splice(rng: random.Random, name: str, data: bytes) -> tuple[str, bytes]:
    cut = rng.randrange(1, max(len(data), 2))
    return name, data[:cut] + data[: len(data) - cut]


def _renamed(rng: random.Random, name: str, data: bytes) -> tuple[str, bytes]:
    return f"renamed.{rng.choice(list(FORMATS))}", data


MUTATIONS: tuple[Mutation, ...] = (
    _cut,
    _flip_bits,
    _random_bytes,
    _keep_head_garble_tail,
    _lying_wav,
    _splice,
    _renamed,
)


def bad_files(seed_files: dict[str, bytes], seed: int, count: int) -> Iterator[tuple[str, bytes]]:
    """``count`` (name, bytes) pairs: every special file as is, an empty file, then seeded
    mutations of the real and special files."""
    rng = random.Random(seed)
    special = [(n, d) for n, d in seed_files.items() if not n.startswith("tone")]
    made = [*special, ("empty.wav", b"")]
    yield from made[:count]
    names = sorted(seed_files)
    for _ in range(count - len(made)):
        name = rng.choice(names)
        yield rng.choice(MUTATIONS)(rng, name, seed_files[name])
