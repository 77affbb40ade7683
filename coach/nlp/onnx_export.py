"""The sentence encoder's ONNX graph: exported from the folder's weights once, then cached.

Exporting imports torch and transformers and traces the model (about 10 to 20 s on two cores);
reading a verified graph from the model cache takes a fraction of a second and imports
neither, so only set-up, or the first load after the weights or the exporter change, pays.
The cache key hashes every top-level file of the model folder (what ``from_pretrained``
reads) and the exporter's versions, so the graph is never older than what it was made from.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import os
import warnings
from pathlib import Path
from typing import Any

from coach.nlp.cache_files import read_verified, write_verified

_OPSET = 17
# Bump when the export below changes in a way the versions in the key cannot see.
_FORMAT = 1


def onnx_graph(model_path: Path, cache_dir: Path | None) -> bytes:
    """The model's graph: read from ``cache_dir`` when a verified copy made from these files
    by this exporter is there, else exported now (and saved there when ``cache_dir`` is set)."""
    if cache_dir is None:
        return export_graph(model_path)
    path = Path(cache_dir) / f"encoder-{graph_key(model_path)[:16]}.onnx"
    graph = read_verified(path)
    if graph is None:
        graph = export_graph(model_path)
        write_verified(path, graph)
    return graph


def graph_key(model_path: Path) -> str:
    """SHA-256 over the folder's top-level files and the versions of the exporting libraries."""
    digest = hashlib.sha256()
    exporter = {
        "torch": importlib.metadata.version("torch"),
        "transformers": importlib.metadata.version("transformers"),
        "opset": _OPSET,
        "format": _FORMAT,
    }
    digest.update(json.dumps(exporter, sort_keys=True).encode())
    for file in sorted(p for p in model_path.iterdir() if p.is_file()):
        with file.open("rb") as handle:
            content = hashlib.file_digest(handle, "sha256").digest()
        digest.update(file.name.encode() + b"\0" + content)
    return digest.hexdigest()


def export_graph(model_path: Path) -> bytes:
    """The transformer as ONNX (inputs named as its tokenizer's, output ``hidden``)."""
    # Offline by construction: a local folder, and the hub client told not to try.
    os.environ["HF_HUB_OFFLINE"] = "1"
    # Worker logs and CLI stderr are for messages, not weight-loading progress bars.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    folder = str(model_path)
    inputs = list(AutoTokenizer.from_pretrained(folder, local_files_only=True).model_input_names)
    model = AutoModel.from_pretrained(folder, local_files_only=True).eval()

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
            input_names=inputs,
            output_names=["hidden"],
            dynamic_axes=axes,
            opset_version=_OPSET,
            dynamo=False,
        )
    return buffer.getvalue()
