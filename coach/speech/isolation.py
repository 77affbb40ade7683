"""Decode a recording in a forked child process with memory, CPU and wall-clock limits.

FFmpeg parses whatever bytes a user sends; one crafted or merely unusual file once made
PyAV crash the whole web process. Here the crash, the runaway allocation or the endless
loop happen in a child: the caller gets the samples, or an :class:`AudioError` saying the
file is unusable, and carries on. ``fork`` (not ``spawn``) keeps the start cost to a few
milliseconds because PyAV and NumPy are already loaded (see ``bench/decode_start.py``).

The child sends a small JSON header and then the raw float32 samples through a pipe, so
nothing is written to disk and the parent's memory is bounded by the length limit.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import math
import os
import resource
import select
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NoReturn

import numpy as np

from coach.speech.audio import SAMPLE_RATE, AudioError, AudioLimits, DecodedAudio, decode_audio

_HEADER_BYTES = 4
_MAX_HEADER = 64 * 1024
_MB = 1024 * 1024
_MAX_FD = 1 << 20
_UNUSABLE = (
    "The recording could not be decoded safely and cannot be used. Please export it again "
    "as wav, mp3, m4a, ogg, webm or flac and upload the new file."
)


@dataclass(frozen=True)
class DecodeBudget:
    """What one decode may use beyond the samples themselves: ``memory_mb`` of address space
    and ``seconds`` of CPU time and of wall-clock time."""

    memory_mb: int = 512
    seconds: float = 120.0


def decode_isolated(
    path: str | os.PathLike[str], limits: AudioLimits, budget: DecodeBudget
) -> DecodedAudio:
    """:func:`decode_audio` in a child process; a crash, kill or timeout there becomes an
    :class:`AudioError` here."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        _child(read_fd, write_fd, Path(path), limits, budget)
    os.close(write_fd)
    child = _Child(pid, time.monotonic() + budget.seconds)
    try:
        with os.fdopen(read_fd, "rb", buffering=0) as pipe:
            return child.receive(pipe, limits)
    finally:
        child.reap()


def _child(
    read_fd: int, write_fd: int, path: Path, limits: AudioLimits, budget: DecodeBudget
) -> NoReturn:
    """Runs in the forked child and never returns: it leaves through ``os._exit`` so that
    nothing of the parent (atexit hooks, open connections, test runners) runs here."""
    status = 1
    try:
        os.close(read_fd)
        _close_inherited_files(keep=write_fd)
        faulthandler.disable()  # a decoder crash is reported by the parent, in one sentence
        _limit_resources(limits, budget)
        with os.fdopen(write_fd, "wb") as pipe:
            _decode_and_send(path, limits, pipe)
        status = 0
    finally:
        os._exit(status)


def _close_inherited_files(keep: int) -> None:
    """Close every descriptor the child inherited but ``keep`` and stdio: another thread's
    decode pipe held open here would keep that decode from seeing its own child's end."""
    highest = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if highest == resource.RLIM_INFINITY:
        highest = _MAX_FD
    os.closerange(3, keep)
    os.closerange(keep + 1, highest)


def _decode_and_send(path: Path, limits: AudioLimits, pipe: IO[bytes]) -> None:
    try:
        audio = decode_audio(path, limits)
    except AudioError as error:
        _send_header(pipe, {"refused": str(error)})
        return
    except MemoryError:
        _send_header(pipe, {"refused": "The recording needs more memory to decode than allowed."})
        return
    except Exception:
        _send_header(pipe, {"refused": _UNUSABLE})
        return
    channels, length = audio.samples.shape
    _send_header(
        pipe,
        {
            "channels": channels,
            "length": length,
            "source_rate": audio.source_rate,
            "container": audio.container,
            "codec": audio.codec,
        },
    )
    for row in audio.samples:
        pipe.write(np.ascontiguousarray(row, dtype=np.float32).data.cast("B"))


def _send_header(pipe: IO[bytes], header: dict[str, object]) -> None:
    body = json.dumps(header).encode()
    pipe.write(len(body).to_bytes(_HEADER_BYTES, "big") + body)
    pipe.flush()


def _limit_resources(limits: AudioLimits, budget: DecodeBudget) -> None:
    """No core file; CPU time capped; address space capped at what the process holds now
    plus room for the longest allowed recording (twice: the buffer grows by copying) and the
    budget's headroom."""
    _lower(resource.RLIMIT_CORE, 0)
    cpu = math.ceil(budget.seconds)
    _lower(resource.RLIMIT_CPU, cpu, cpu + 1)
    samples = (limits.max_seconds + 1) * SAMPLE_RATE * limits.max_channels * 4
    current = _address_space()
    if current is not None:
        _lower(resource.RLIMIT_AS, current + int(2 * samples) + budget.memory_mb * _MB)


def _lower(which: int, soft: int, hard: int | None = None) -> None:
    _, current_hard = resource.getrlimit(which)
    wanted = soft if hard is None else hard
    if current_hard != resource.RLIM_INFINITY:
        wanted = min(wanted, current_hard)
        soft = min(soft, current_hard)
    resource.setrlimit(which, (soft, wanted))


def _address_space() -> int | None:
    """This process's virtual size in bytes (Linux), the base the memory limit adds to."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return None


class _Child:
    """The parent's side: read the answer before the deadline, then always reap the child."""

    def __init__(self, pid: int, deadline: float) -> None:
        self.pid, self.deadline = pid, deadline

    def receive(self, pipe: IO[bytes], limits: AudioLimits) -> DecodedAudio:
        size = int.from_bytes(self._read(pipe, _HEADER_BYTES), "big")
        if not 0 < size <= _MAX_HEADER:
            raise AudioError(_UNUSABLE)
        header = json.loads(self._read(pipe, size))
        if "refused" in header:
            raise AudioError(str(header["refused"]))
        channels, length = int(header["channels"]), int(header["length"])
        ceiling = int((limits.max_seconds + 1) * SAMPLE_RATE)
        if not (1 <= channels <= limits.max_channels and 0 <= length <= ceiling):
            raise AudioError(_UNUSABLE)
        samples = np.empty((channels, length), dtype=np.float32)
        self._read_into(pipe, samples.data.cast("B"))
        return DecodedAudio(
            samples=samples,
            source_rate=int(header["source_rate"]),
            container=str(header["container"]),
            codec=str(header["codec"]),
        )

    def _read(self, pipe: IO[bytes], size: int) -> bytes:
        buffer = bytearray(size)
        self._read_into(pipe, memoryview(buffer))
        return bytes(buffer)

    def _read_into(self, pipe: IO[bytes], view: memoryview) -> None:
        filled = 0
        while filled < len(view):
            remaining = self.deadline - time.monotonic()
            ready, _, _ = select.select([pipe], [], [], max(remaining, 0))
            if not ready:
                raise AudioError(
                    "The recording took too long to decode and cannot be used. Please export "
                    "it again as wav, mp3, m4a, ogg, webm or flac and upload the new file."
                )
            count = pipe.readinto(view[filled:])  # type: ignore[attr-defined]
            if not count:
                raise AudioError(_UNUSABLE)  # the child died (crash, memory or CPU limit)
            filled += count

    def reap(self) -> None:
        """Kill the child if it is still running and collect it, so no zombie is left."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):  # SIGCHLD ignored: the kernel reaped it
            os.waitpid(self.pid, 0)
