"""Small classifier heads (logistic regression) over sentence embeddings.

A head is trained from labelled examples (corpora the catalog loaded) and cached on disk
under a version that hashes the training data, the encoder's ``model_id`` and the training
settings, so editing the corpus or swapping the encoder retrains it, and nothing else does.
Tone uses it now; intents later.

A head may also read the words themselves: with ``lexical_weight`` > 0, word uni- and bigram
TF-IDF features (scaled by that weight) sit next to the embedding in one logistic regression.
Sentence embeddings blur small words that decide a class ("nobody will arrest you" embeds next
to "the police will arrest you"); the lexical block gives the regression those words back.

A head may judge several texts together (``fields`` > 1): an agent reply *given* the debtor
turn it answers, or a call's closing turns. Each example's text is then its fields joined by
:data:`FIELD_SEPARATOR`; each field is embedded on its own (one embedding of a joined text
would blur who said what), the first two fields' element-wise product and cosine say how the
reply relates to what it answers, and each field gets its own word block.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import pickle
from collections.abc import Hashable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from coach.corpus import LabelledText
from coach.nlp.cache_files import read_verified, write_verified
from coach.nlp.encoder import TextEncoder

# Part of every head's version: changing how heads are trained must invalidate the cache.
_TRAINING_SETTINGS = {
    "estimator": "LogisticRegression",
    "C": 8.0,
    "class_weight": "balanced",
    "format": 3,
}
FIELD_SEPARATOR = "\x1f"
# The lexical block: word uni/bigrams seen in at least two training texts, sublinear tf.
_LEXICAL_SETTINGS = {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True}


def join_fields(*fields: str) -> str:
    """One example text for a head that judges several texts together."""
    if any(FIELD_SEPARATOR in field for field in fields):
        raise ValueError("a field may not contain the field separator")
    return FIELD_SEPARATOR.join(fields)


def split_fields(texts: Sequence[str], fields: int) -> list[list[str]]:
    """The columns of ``texts`` joined by :func:`join_fields`, one list per field."""
    rows = [text.split(FIELD_SEPARATOR) for text in texts]
    if any(len(row) != fields for row in rows):
        raise ValueError(f"each text must hold {fields} fields joined by FIELD_SEPARATOR")
    return [[row[i] for row in rows] for i in range(fields)]


def embed_fields(encoder: TextEncoder, texts: Sequence[str], fields: int = 1) -> np.ndarray:
    """The embedding block of a head's features (see the module docstring)."""
    if fields == 1:
        return encoder.encode(texts)
    columns = split_fields(texts, fields)
    flat = encoder.encode([text for column in columns for text in column])
    blocks = [flat[i * len(texts) : (i + 1) * len(texts)] for i in range(fields)]
    first, second = unit_rows(blocks[0]), unit_rows(blocks[1])
    cosine = (first * second).sum(axis=1, keepdims=True)
    return np.hstack([*blocks, first * second, cosine])


def unit_rows(rows: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (a zero row stays zero)."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1.0, norms)


def head_version(
    examples: Sequence[LabelledText], model_id: str, lexical_weight: float = 0.0, fields: int = 1
) -> str:
    """SHA-256 over the examples (order-independent), encoder id, scikit-learn and settings."""
    digest = hashlib.sha256()
    # A pickled estimator is only safe to reload with the scikit-learn that wrote it.
    sklearn_version = importlib.metadata.version("scikit-learn")
    header: list[Any] = [model_id, sklearn_version, _TRAINING_SETTINGS]
    if lexical_weight:
        header.append({"lexical_weight": lexical_weight, **_LEXICAL_SETTINGS})
    if fields > 1:
        header.append({"fields": fields})
    digest.update(json.dumps(header, sort_keys=True).encode())
    for text, label in sorted((e.text, e.label) for e in examples):
        digest.update(json.dumps([text, label]).encode())
        digest.update(b"\n")
    return digest.hexdigest()


class ClassifierHead:
    """A trained head bound to its encoder: texts in, class probabilities out."""

    def __init__(
        self, encoder: TextEncoder, estimator: Any, classes: tuple[str, ...], version: str
    ) -> None:
        self.encoder = encoder
        self.classes = classes
        self.version = version
        self._estimator = estimator
        # Equal for heads that build equal features from the same rows: the same fields and
        # word weight, and word blocks fitted alike (every rule head of a jurisdiction fits
        # them on the same lines). Worked out here, at load, rather than in the first reply.
        blocks = tuple(block.key for block in estimator.word_blocks)
        self.features_key: Hashable = (estimator.fields, estimator.lexical_weight, blocks)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape ``(len(texts), len(self.classes))``, columns in class order."""
        if not texts:
            return np.zeros((0, len(self.classes)))
        fields = self._estimator.fields
        return self.predict_proba_embeddings(embed_fields(self.encoder, texts, fields), texts)

    def predict_proba_embeddings(
        self, embeddings: np.ndarray, texts: Sequence[str] | None = None
    ) -> np.ndarray:
        """Same as :meth:`predict_proba` for rows the caller already embedded.

        A lexical head also needs the ``texts`` the rows were embedded from.
        """
        return np.asarray(self._estimator.predict_proba(embeddings, texts))


def class_probabilities(
    heads: Mapping[str, ClassifierHead], label: str, embeddings: np.ndarray, texts: Sequence[str]
) -> dict[str, np.ndarray]:
    """Per head, each row's probability of ``label``: what each head gives alone, with the
    work heads have in common (equal features, the words of a text) done once."""
    features: dict[Hashable, Any] = {}
    words: dict[tuple[str, str], list[str]] = {}
    columns = {}
    with _unchecked():
        for name, head in heads.items():
            key = head.features_key
            if key not in features:
                features[key] = head._estimator.features(embeddings, texts, words)
            probabilities = head._estimator.predict_features(features[key])
            columns[name] = np.asarray(probabilities[:, head.classes.index(label)])
    return columns


class WordBlock:
    """A fitted TF-IDF vectorizer's ``transform``, done with scikit-learn's own operations in
    its order (so the same floats) but without its checks of each call's input, which cost
    more than the sums for one short text, and dozens of heads read each reply."""

    def __init__(self, vectorizer: Any) -> None:
        if vectorizer.binary or not vectorizer.use_idf or vectorizer.norm != "l2":
            raise ValueError("a word block needs counts weighted by idf and l2-normalised")
        self._vocabulary: dict[str, int] = vectorizer.vocabulary_
        self._idf: np.ndarray = vectorizer.idf_
        self._sublinear: bool = vectorizer.sublinear_tf
        self._dtype = vectorizer.dtype
        self._analyse = vectorizer.build_analyzer()
        settings = {k: v for k, v in vectorizer.get_params().items() if k != "vocabulary"}
        # Vectorizers with these settings split a text into the same words.
        self.analysis = repr(sorted(settings.items()))
        # The terms in column order say the whole vocabulary (its columns are 0 to n - 1).
        terms = [""] * len(self._vocabulary)
        for term, column in self._vocabulary.items():
            terms[column] = term
        digest = hashlib.sha256(json.dumps([self.analysis, terms]).encode())
        digest.update(self._idf.tobytes())
        self.key = digest.hexdigest()

    def transform(
        self, texts: Sequence[str], words: dict[tuple[str, str], list[str]] | None = None
    ) -> Any:
        """Same as the vectorizer's ``transform(texts)``; ``words`` keeps each text's words
        for the next block with the same analysis."""
        from scipy.sparse import csr_matrix
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        words = {} if words is None else words
        indices: list[int] = []
        counts: list[int] = []
        indptr = [0]
        for text in texts:
            key = (self.analysis, text)
            if key not in words:
                words[key] = self._analyse(text)
            counter: dict[int, int] = {}
            for word in words[key]:
                column = self._vocabulary.get(word)
                if column is not None:
                    counter[column] = counter.get(column, 0) + 1
            for column, count in sorted(counter.items()):
                indices.append(column)
                counts.append(count)
            indptr.append(len(indices))
        shape = (len(texts), len(self._vocabulary))
        matrix = csr_matrix(
            (np.asarray(counts, dtype=np.intc), np.asarray(indices, dtype=np.int32), indptr),
            shape=shape,
            dtype=self._dtype,
        )
        if self._sublinear:
            np.log(matrix.data, matrix.data)
            matrix.data += 1.0
        matrix.data *= self._idf[matrix.indices]
        inplace_csr_row_normalize_l2(matrix)
        return matrix


def _unchecked() -> Any:
    """scikit-learn without its checks of our inputs (ours, already checked): those checks
    took most of a role-play reply's time (dozens of heads, one short text each)."""
    from sklearn import config_context

    return config_context(assume_finite=True, skip_parameter_validation=True)


class HeadEstimator:
    """Logistic regression over an embedding, optionally beside a scaled word TF-IDF block."""

    def __init__(self, lexical_weight: float = 0.0, fields: int = 1) -> None:
        from sklearn.linear_model import LogisticRegression

        self.lexical_weight = lexical_weight
        self.fields = fields
        self.vectorizers: list[Any] = []
        self.regression = LogisticRegression(
            C=_TRAINING_SETTINGS["C"],
            class_weight=_TRAINING_SETTINGS["class_weight"],
            max_iter=5000,
        )

    @property
    def classes_(self) -> np.ndarray:
        return self.regression.classes_

    def fit(
        self, embeddings: np.ndarray, texts: Sequence[str], labels: Sequence[str]
    ) -> HeadEstimator:
        if self.lexical_weight:
            from sklearn.feature_extraction.text import TfidfVectorizer

            self.vectorizers = [
                TfidfVectorizer(**_LEXICAL_SETTINGS).fit(column)
                for column in split_fields(texts, self.fields)
            ]
            self.__dict__.pop("word_blocks", None)  # blocks of earlier vectorizers
        self.regression.fit(self.features(embeddings, texts), list(labels))
        return self

    def predict_proba(self, embeddings: np.ndarray, texts: Sequence[str] | None) -> np.ndarray:
        with _unchecked():
            return self.predict_features(self.features(embeddings, texts))

    def predict_features(self, features: Any) -> np.ndarray:
        """Probabilities for rows already turned into this head's features."""
        regression = self.regression
        if len(regression.classes_) != 2:
            return np.asarray(regression.predict_proba(features))
        from scipy.special import expit

        # scikit-learn's binary predict_proba (decision_function, expit, both classes), step
        # by step, without its checks of the input (a millisecond a call, dozens of heads).
        scores = features @ regression.coef_.T + regression.intercept_
        positive = np.reshape(scores, (-1,))
        expit(positive, out=positive)
        return np.stack([1 - positive, positive], axis=1)

    @cached_property
    def word_blocks(self) -> tuple[WordBlock, ...]:
        """The fitted vectorizers as :class:`WordBlock` (built on first use, never pickled)."""
        return tuple(WordBlock(vectorizer) for vectorizer in self.vectorizers)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("word_blocks", None)
        return state

    def features(
        self,
        embeddings: np.ndarray,
        texts: Sequence[str] | None,
        words: dict[tuple[str, str], list[str]] | None = None,
    ) -> Any:
        """The regression's input: the embedding block, then each field's word block
        (``words``: see :meth:`WordBlock.transform`)."""
        if not self.vectorizers:
            return embeddings
        if texts is None or len(texts) != len(embeddings):
            raise ValueError("a lexical head needs the texts beside their embeddings")
        columns = split_fields(texts, self.fields)
        blocks = [
            block.transform(column, words)
            for block, column in zip(self.word_blocks, columns, strict=True)
        ]
        return _side_by_side(embeddings, blocks, self.lexical_weight)


def _side_by_side(embeddings: np.ndarray, blocks: Sequence[Any], weight: float) -> Any:
    """``hstack([csr_matrix(embeddings), *(b * weight for b in blocks)]).tocsr()``, built in
    one step: the same entries in the same order, so products with it are the same to the
    last bit, in a third of scipy's time for the one short text a role-play reply is (a
    reply is judged by a couple of dozen heads, each with its own word blocks)."""
    from scipy.sparse import csr_matrix

    data: list[np.ndarray] = []
    indices: list[np.ndarray] = []
    indptr = [0]
    for row, values in enumerate(embeddings):
        columns = np.flatnonzero(values)  # csr_matrix keeps no zeros
        data.append(values[columns].astype(np.float64))
        indices.append(columns)
        offset, stored = embeddings.shape[1], len(columns)
        for block in blocks:
            start, end = block.indptr[row], block.indptr[row + 1]
            data.append(block.data[start:end] * weight)
            indices.append(block.indices[start:end] + offset)
            offset, stored = offset + block.shape[1], stored + end - start
        indptr.append(indptr[-1] + stored)
    width = embeddings.shape[1] + sum(block.shape[1] for block in blocks)
    return csr_matrix(
        (
            np.concatenate(data) if data else np.zeros(0),
            np.concatenate(indices).astype(np.int32) if indices else np.zeros(0, np.int32),
            np.asarray(indptr, dtype=np.int32),
        ),
        shape=(len(embeddings), width),
    )


def fit_estimator(
    embeddings: np.ndarray,
    labels: Sequence[str],
    texts: Sequence[str] | None = None,
    lexical_weight: float = 0.0,
    fields: int = 1,
) -> HeadEstimator:
    """Fit the head's estimator with the versioned settings (used by training and benches)."""
    if lexical_weight and texts is None:
        raise ValueError("a lexical head needs the training texts")
    return HeadEstimator(lexical_weight, fields).fit(embeddings, texts or [], labels)


def train_head(
    examples: Sequence[LabelledText],
    encoder: TextEncoder,
    classes: Sequence[str] | None = None,
    lexical_weight: float = 0.0,
    fields: int = 1,
) -> ClassifierHead:
    """Train a head; with ``classes`` given, every example must use one and each must occur."""
    labels = sorted({e.label for e in examples})
    if classes is not None and set(labels) != set(classes):
        raise ValueError(f"training labels {labels} differ from the expected {sorted(classes)}")
    # Sorted input makes the fit independent of file and line order, like the version hash.
    ordered = sorted(examples, key=lambda e: (e.label, e.text))
    texts = [e.text for e in ordered]
    embeddings = embed_fields(encoder, texts, fields)
    estimator = fit_estimator(embeddings, [e.label for e in ordered], texts, lexical_weight, fields)
    version = head_version(examples, encoder.model_id, lexical_weight, fields)
    return ClassifierHead(encoder, estimator, tuple(estimator.classes_), version)


def load_or_train_head(
    name: str,
    examples: Sequence[LabelledText],
    encoder: TextEncoder,
    cache_dir: Path,
    classes: Sequence[str] | None = None,
    lexical_weight: float = 0.0,
    fields: int = 1,
) -> ClassifierHead:
    """The head for ``name`` from ``cache_dir`` when its version matches, else train and save.

    ``lexical_weight`` > 0 adds the word TF-IDF block, ``fields`` > 1 judges texts joined by
    :func:`join_fields` together (see the module docstring).
    """
    if not examples:
        raise ValueError(f"no training examples for head {name!r}")
    version = head_version(examples, encoder.model_id, lexical_weight, fields)
    path = Path(cache_dir) / f"{name}-{version[:16]}.pkl"
    cached = _read_cached(path, version, encoder)
    if cached is not None:
        return cached
    head = train_head(examples, encoder, classes, lexical_weight, fields)
    _write_cached(path, head)
    return head


def _read_cached(path: Path, version: str, encoder: TextEncoder) -> ClassifierHead | None:
    """Unpickle only a file whose digest sidecar matches, then check the version inside."""
    payload = read_verified(path)
    if payload is None:
        return None
    # Safe: the file is one we wrote (digest checked), in the app's own instance folder.
    state = pickle.loads(payload)  # noqa: S301
    if state.get("version") != version:
        return None
    return ClassifierHead(encoder, state["estimator"], tuple(state["classes"]), version)


def _write_cached(path: Path, head: ClassifierHead) -> None:
    state = {"version": head.version, "classes": head.classes, "estimator": head._estimator}
    write_verified(path, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
