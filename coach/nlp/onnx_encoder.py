"""Sentence embeddings on ONNX Runtime, tokenised by the folder's own ``tokenizer.json``.

Why not run the model in PyTorch: on two cores ONNX Runtime embeds a call's turns about a
quarter faster, and about three times faster while a transcription keeps the other core busy
(PyTorch's thread pool degrades badly under contention; see docs/decisions.md). The graph is
exported from the same safetensors weights (see :mod:`coach.nlp.onnx_export`, which caches
it), the text is tokenised by the ``tokenizers`` library exactly as transformers' fast
tokenizer does for sentence-transformers, and the token vectors are pooled the way the
folder's sentence-transformers config says (mean, then L2-normalised). Rows equal
sentence-transformers' to about 1e-6, so heads trained on either stay valid, and loading
imports neither torch nor transformers once the graph is cached.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from coach.nlp.onnx_export import onnx_graph

if TYPE_CHECKING:
    from tokenizers import Tokenizer

# sentence-transformers' own cap when the folder does not state one.
_DEFAULT_MAX_TOKENS = 512
# Graph input name -> the tokenizers ``Encoding`` attribute that feeds it.
_FEEDS = {"input_ids": "ids", "token_type_ids": "type_ids", "attention_mask": "attention_mask"}


class OnnxSentenceModel:
    """A mean-pooling sentence-transformers folder, run by ONNX Runtime on the CPU.

    ``cache_dir`` keeps the exported graph between processes (``None``: export every time).
    """

    def __init__(self, model_path: Path, cache_dir: Path | None = None) -> None:
        _require_mean_pooling(model_path)
        self._tokenizer = _tokenizer(model_path, _max_tokens(model_path))
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = 1
        # Idle intra-op threads sleep instead of spinning: a served process runs encodings
        # from several request threads beside other processes, and spinning threads burned
        # the cores those needed (a typed role-play turn's p95 under load, docs/benchmarks.md).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # warnings about unused initialisers are not for users
        self._session = onnxruntime.InferenceSession(
            onnx_graph(model_path, cache_dir), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = tuple(i.name for i in self._session.get_inputs())
        unknown = sorted(set(self._inputs) - set(_FEEDS))
        if unknown:
            raise ValueError(f"{model_path}: the model takes inputs {unknown} Coach cannot feed")
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def embed(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        """L2-normalised float32 rows for ``texts``, in order. Texts of similar length are
        batched together so little of each batch is padding."""
        rows = np.empty((len(texts), self.dimension), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), batch_size):
            picked = order[start : start + batch_size]
            rows[picked] = self._embed_batch([texts[i] for i in picked])
        return rows

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        feeds = {name: _column(encodings, _FEEDS[name]) for name in self._inputs}
        hidden = self._session.run(None, feeds)[0]
        mask = _column(encodings, "attention_mask").astype(np.float32)[..., None]
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return (pooled / norms).astype(np.float32)


def _column(encodings: list[Any], field: str) -> np.ndarray:
    return np.array([getattr(e, field) for e in encodings], dtype=np.int64)


def _tokenizer(model_path: Path, max_tokens: int) -> Tokenizer:
    """The folder's fast tokenizer set up as sentence-transformers calls transformers' one:
    truncate to ``max_tokens``, pad each batch to its longest text with the folder's pad token
    (``tokenizer.json`` may carry other truncation and padding settings; they are replaced)."""
    from tokenizers import Tokenizer

    file = model_path / "tokenizer.json"
    if not file.is_file():
        raise ValueError(f"{model_path} has no tokenizer.json (a fast tokenizer is required)")
    config = _json(model_path / "tokenizer_config.json")
    pad_token = config.get("pad_token") or _json(model_path / "special_tokens_map.json").get(
        "pad_token"
    )
    if isinstance(pad_token, dict):
        pad_token = pad_token.get("content")
    tokenizer = Tokenizer.from_file(str(file))
    pad_id = tokenizer.token_to_id(pad_token) if isinstance(pad_token, str) else None
    if pad_id is None:
        raise ValueError(f"{model_path}: no pad token in tokenizer_config.json")
    tokenizer.enable_truncation(max_tokens, direction=config.get("truncation_side", "right"))
    tokenizer.enable_padding(
        direction=config.get("padding_side", "right"), pad_id=pad_id, pad_token=pad_token
    )
    return tokenizer


def _json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _require_mean_pooling(model_path: Path) -> None:
    """Refuse a folder this runtime would embed differently from sentence-transformers."""
    if not _json(model_path / "1_Pooling" / "config.json").get("pooling_mode_mean_tokens"):
        raise ValueError(
            f"{model_path} is not a mean-pooling sentence-transformers model "
            "(1_Pooling/config.json must set pooling_mode_mean_tokens)"
        )


def _max_tokens(model_path: Path) -> int:
    value = _json(model_path / "sentence_bert_config.json").get("max_seq_length")
    return value if isinstance(value, int) and value > 0 else _DEFAULT_MAX_TOKENS
