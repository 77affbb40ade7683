"""The exported ONNX graph is kept in the model cache: reused, verified, never imported slowly.

The real packaged model throughout; the graph is exported once for the module.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from coach.nlp import onnx_export
from coach.nlp.encoder import load_default_encoder

pytestmark = pytest.mark.ml

TEXTS = ["This is an attempt to collect a debt.", "okay one moment", ""]


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    """A cache holding the exported graph, and the rows the exporting encoder gave."""
    cache = tmp_path_factory.mktemp("model-cache")
    return cache, load_default_encoder(cache_dir=cache).encode(TEXTS)


@pytest.fixture
def exports(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each model folder the real exporter is asked to export, from now on."""
    seen: list[Path] = []
    real: Callable[[Path], bytes] = onnx_export.export_graph

    def counted(model_path: Path) -> bytes:
        seen.append(model_path)
        return real(model_path)

    monkeypatch.setattr(onnx_export, "export_graph", counted)
    return seen


def _copy(cache: Path, to: Path) -> Path:
    shutil.copytree(cache, to)
    return to


def test_export_leaves_one_verified_graph_in_the_cache(warm_cache) -> None:
    cache, _ = warm_cache
    (graph,) = cache.glob("encoder-*.onnx")
    assert graph.with_suffix(".sha256").is_file()
    assert graph.stat().st_size > 10_000_000


def test_second_load_reads_the_graph_instead_of_exporting(warm_cache, exports) -> None:
    cache, rows = warm_cache
    again = load_default_encoder(cache_dir=cache).encode(TEXTS)
    assert exports == []
    np.testing.assert_array_equal(again, rows)


def test_tampered_graph_is_exported_again(warm_cache, exports, tmp_path: Path) -> None:
    cache = _copy(warm_cache[0], tmp_path / "cache")
    (graph,) = cache.glob("encoder-*.onnx")
    payload = bytearray(graph.read_bytes())
    payload[len(payload) // 2] ^= 0xFF  # one flipped byte deep inside the weights
    graph.write_bytes(bytes(payload))

    rows = load_default_encoder(cache_dir=cache).encode(TEXTS)

    assert len(exports) == 1
    np.testing.assert_allclose(rows, warm_cache[1], atol=1e-6)
    assert graph.read_bytes() != bytes(payload)  # replaced by the fresh export...
    load_default_encoder(cache_dir=cache).encode(TEXTS)
    assert len(exports) == 1  # ...which verifies, so the next load reads it


def test_loading_from_the_cache_imports_neither_torch_nor_transformers(warm_cache) -> None:
    code = (
        "import sys; from pathlib import Path; "
        "from coach.nlp.encoder import load_default_encoder; "
        f"load_default_encoder(cache_dir=Path({str(warm_cache[0])!r})).encode(['hello']); "
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"
