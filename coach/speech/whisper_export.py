"""Rebuild an openai-whisper checkpoint from the CTranslate2 Whisper model shipped in a package.

openai-whisper would download ``tiny.en.pt`` on first use; the packaged CT2 model holds the
same weights, so converting it keeps the second backend fully offline. The ``model.bin``
layout is documented in ``shared/guides/models.md``.
"""

from __future__ import annotations

import json
import os
import re
import struct
from pathlib import Path
from typing import Any

import numpy as np

# CTranslate2 DataType ids (bfloat16 and int4 never occur in Whisper exports we accept).
_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
_MIN_VERSION = 5

_TOP_LEVEL = {
    "encoder/conv1": "encoder.conv1",
    "encoder/conv2": "encoder.conv2",
    "encoder/position_encodings/encodings": "encoder.positional_embedding",
    "encoder/layer_norm": "encoder.ln_post",
    "decoder/embeddings": "decoder.token_embedding",
    "decoder/position_encodings/encodings": "decoder.positional_embedding",
    "decoder/layer_norm": "decoder.ln",
}
_IN_LAYER = {
    "self_attention/linear_1": "attn.out",
    "self_attention/layer_norm": "attn_ln",
    "attention/linear_0": "cross_attn.query",
    "attention/linear_2": "cross_attn.out",
    "attention/layer_norm": "cross_attn_ln",
    "ffn/linear_0": "mlp.0",
    "ffn/linear_1": "mlp.2",
    "ffn/layer_norm": "mlp_ln",
}
# CT2 fuses these projections; openai-whisper keeps them apart.
_FUSED = {
    "self_attention/linear_0": ("attn", ("query", "key", "value")),
    "attention/linear_1": ("cross_attn", ("key", "value")),
}
_PARAM = {"weight": "weight", "bias": "bias", "gamma": "weight", "beta": "bias"}
_LAYER_NAME = re.compile(r"^(encoder|decoder)/layer_(\d+)/(.+)/(weight|bias|gamma|beta)$")
_TOP_NAME = re.compile(r"^(.+?)(?:/(weight|bias|gamma|beta))?$")


def export_openai_whisper(
    ct2_model_dir: str | os.PathLike[str], out_path: str | os.PathLike[str]
) -> Path:
    """Write ``{"dims", "model_state_dict", "alignment_heads"}`` loadable by
    ``whisper.load_model(out_path)``; returns the path written."""
    import torch

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(openai_checkpoint_from_ct2(ct2_model_dir), out)
    return out


def openai_checkpoint_from_ct2(ct2_model_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The checkpoint dict in memory (float16 tensors), for loading without a file."""
    import torch

    model_dir = Path(ct2_model_dir)
    variables = read_ct2_variables(model_dir / "model.bin")
    state = {name: torch.from_numpy(array) for name, array in _state_dict(variables).items()}
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    return {
        "dims": _dims(variables),
        "model_state_dict": state,
        # Not read by whisper.load_model; the openai adapter sets it for word timestamps.
        "alignment_heads": [[int(layer), int(head)] for layer, head in config["alignment_heads"]],
    }


def read_ct2_variables(model_bin: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Every variable of a CT2 ``model.bin`` by name, aliases resolved."""
    reader = _Reader(Path(model_bin).read_bytes())
    version = reader.unpack("<I")
    if version < _MIN_VERSION:
        raise ValueError(f"model.bin format version {version} is too old to convert")
    reader.string()  # spec name
    reader.unpack("<I")  # spec revision
    variables: dict[str, np.ndarray] = {}
    for _ in range(reader.unpack("<I")):
        name = reader.string()
        shape = tuple(reader.unpack("<I") for _ in range(reader.unpack("<B")))
        dtype_id = reader.unpack("<B")
        if dtype_id not in _DTYPES:
            raise ValueError(f"model.bin variable {name} has unsupported data type {dtype_id}")
        raw = reader.take(reader.unpack("<I"))
        variables[name] = np.frombuffer(raw, dtype=_DTYPES[dtype_id]).reshape(shape).copy()
    for _ in range(reader.unpack("<I")):
        alias, target = reader.string(), reader.string()
        variables[alias] = variables[target]
    return variables


class _Reader:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0

    def take(self, size: int) -> bytes:
        if self._offset + size > len(self._data):
            raise ValueError("model.bin is truncated")
        chunk = self._data[self._offset : self._offset + size]
        self._offset += size
        return chunk

    def unpack(self, fmt: str) -> int:
        (value,) = struct.unpack(fmt, self.take(struct.calcsize(fmt)))
        return int(value)

    def string(self) -> str:
        return self.take(self.unpack("<H")).rstrip(b"\0").decode("utf-8")


def _state_dict(variables: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    state: dict[str, np.ndarray] = {}
    for name, array in variables.items():
        layer = _LAYER_NAME.match(name)
        if layer:
            state.update(_layer_entries(*layer.groups(), array))
            continue
        top = _TOP_NAME.match(name)
        assert top is not None
        base, param = top.groups()
        if base in _TOP_LEVEL:
            suffix = f".{_PARAM[param]}" if param else ""
            state[_TOP_LEVEL[base] + suffix] = array
        # Anything else is spec metadata (num_heads, activation, ...) or the tied projection.
    return state


def _layer_entries(
    stack: str, index: str, module: str, param: str, array: np.ndarray
) -> dict[str, np.ndarray]:
    prefix = f"{stack}.blocks.{index}."
    param = _PARAM[param]
    if module in _IN_LAYER:
        return {f"{prefix}{_IN_LAYER[module]}.{param}": array}
    if module in _FUSED:
        attn, parts = _FUSED[module]
        entries = {
            f"{prefix}{attn}.{part}.{param}": np.ascontiguousarray(piece)
            for part, piece in zip(parts, np.split(array, len(parts)), strict=True)
        }
        # openai-whisper's key projection has no bias: a key bias adds the same amount to
        # every score of a query, which softmax cancels, so dropping it is exact.
        entries.pop(f"{prefix}{attn}.key.bias", None)
        return entries
    raise ValueError(f"unexpected variable in model.bin: {stack}/layer_{index}/{module}")


def _dims(variables: dict[str, np.ndarray]) -> dict[str, int]:
    def layers(stack: str) -> int:
        return len({m.group(2) for n in variables if (m := _LAYER_NAME.match(n)) and m[1] == stack})

    audio_pos = variables["encoder/position_encodings/encodings"]
    text_pos = variables["decoder/position_encodings/encodings"]
    return {
        "n_mels": int(variables["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(audio_pos.shape[0]),
        "n_audio_state": int(audio_pos.shape[1]),
        "n_audio_head": int(variables["encoder/num_heads"]),
        "n_audio_layer": layers("encoder"),
        "n_vocab": int(variables["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(text_pos.shape[0]),
        "n_text_state": int(text_pos.shape[1]),
        "n_text_head": int(variables["decoder/num_heads"]),
        "n_text_layer": layers("decoder"),
    }
