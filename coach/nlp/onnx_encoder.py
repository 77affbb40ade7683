"""Sentence embeddings on ONNX Runtime, exported in memory from the local model folder.

Why not run the model in PyTorch: on two cores ONNX Runtime embeds a call's turns about a
quarter faster, and about three times faster while a transcription keeps the other core busy
(PyTorch's thread pool degrades badly under contention; see docs/decisions.md). The graph is
exported once per process from the same safetensors weights and pooled the way the folder's
sentence-transformers config says (mean of the token vectors, then L2-normalised), so rows
equal sentence-transformers' to about 1e-6 and heads trained on either stay valid.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

_OPSET = 17
# sentence-transformers' own cap when the folder does not state one.
_DEFAULT_MAX_TOKENS = 512


class OnnxSentenceModel:
    """A mean-pooling sentence-transformers folder, run by ONNX Runtime on the CPU."""

    def __init__(self, model_path: Path) -> None:
        _require_mean_pooling(model_path)
        from transformers import AutoTokenizer

        self._tokenizer = AutoTokenizer.from_pretrained(str(model_path), local_files_only=True)
        self._max_tokens = _max_tokens(model_path)
        self._inputs = tuple(self._tokenizer.model_input_names)
        graph, self.dimension = _export(model_path, self._inputs)
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # warnings about unused initialisers are not for users
        self._session = onnxruntime.InferenceSession(
            graph, options, providers=["CPUExecutionProvider"]
        )

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
        tokens = self._tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self._max_tokens,
            return_tensors="np",
        )
        feeds = {name: np.asarray(tokens[name], dtype=np.int64) for name in self._inputs}
        hidden = self._session.run(None, feeds)[0]
        mask = np.asarray(tokens["attention_mask"], dtype=np.float32)[..., None]
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return (pooled / norms).astype(np.float32)


def _require_mean_pooling(model_path: Path) -> None:
    """Refuse a folder this runtime would embed differently from sentence-transformers."""
    config = model_path / "1_Pooling" / "config.json"
    pooling = json.loads(config.read_text(encoding="utf-8")) if config.is_file() else {}
    if not pooling.get("pooling_mode_mean_tokens"):
        raise ValueError(
            f"{model_path} is not a mean-pooling sentence-transformers model "
            "(1_Pooling/config.json must set pooling_mode_mean_tokens)"
        )


def _max_tokens(model_path: Path) -> int:
    config = model_path / "sentence_bert_config.json"
    if config.is_file():
        value = json.loads(config.read_text(encoding="utf-8")).get("max_seq_length")
        if isinstance(value, int) and value > 0:
            return value
    return _DEFAULT_MAX_TOKENS


def _export(model_path: Path, inputs: tuple[str, ...]) -> tuple[bytes, int]:
    """The transformer as an ONNX graph (bytes) and its hidden size; torch is needed only here."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    # Logs and CLI output are for messages, not a weight-loading progress bar.
    transformers_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(model_path), local_files_only=True).eval()

    class _Hidden(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *tensors: Any) -> Any:
            return self.inner(**dict(zip(inputs, tensors, strict=True))).last_hidden_state

    sample = tuple(torch.ones((1, 4), dtype=torch.long) for _ in inputs)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*inputs, "hidden")}
    buffer = io.BytesIO()
    with warnings.catch_warnings(), torch.no_grad():
        # The exporter narrates its tracing in warnings; none of them concern the result.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Hidden(model),
            sample,
            buffer,
            input_names=list(inputs),
            output_names=["hidden"],
            dynamic_axes=axes,
            opset_version=_OPSET,
            dynamo=False,
        )
    return buffer.getvalue(), int(model.config.hidden_size)
