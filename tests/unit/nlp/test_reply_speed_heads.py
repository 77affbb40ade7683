"""The faster reply path gives exactly what scikit-learn gives: word blocks, probabilities,
heads judged together, and rule probabilities kept per text."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from coach.corpus import LabelledText
from coach.nlp.heads import (
    ClassifierHead,
    WordBlock,
    class_probabilities,
    embed_fields,
    join_fields,
    split_fields,
    train_head,
)
from coach.nlp.memo import BatchMemo
from coach.scoring.compliance.learned import JurisdictionRuleModel, RuleHead
from tests.fakes import FakeEncoder

REPLIES = [
    "We will take you to court tomorrow unless you pay",
    "Nobody will arrest you, this is just a reminder",
    "I'm calling from Apex Recovery about your account",
    "Could you tell me a little about your finances?",
    "You'll go to jail if you don't pay £1,100 by 5.30",
    "This is an attempt to collect a debt",
    "I understand, that sounds really hard",
    "Pay now or we tell your employer",
]
DEBTOR = ["I can't pay", "Who is this?", "", "Leave me alone"]
UNSEEN = ["court court court tomorrow", "", "!!!", "naïve café — pay now", "a b c"]


def _examples(positive: set[int], fields: int = 1) -> list[LabelledText]:
    return [
        LabelledText(
            join_fields(DEBTOR[i % len(DEBTOR)], text) if fields == 2 else text,
            "yes" if i in positive else "no",
        )
        for i, text in enumerate(REPLIES * 2)
    ]


def _head(positive: set[int], fields: int = 1, skip: int = 0) -> ClassifierHead:
    """A head over the examples less the first ``skip`` (other lines: other word blocks)."""
    examples = _examples(positive, fields)[skip:]
    return train_head(examples, FakeEncoder(), lexical_weight=1.0, fields=fields)


def test_a_word_block_transforms_as_the_vectorizer_does() -> None:
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    vectorizer.fit(REPLIES * 2 + UNSEEN)
    texts = REPLIES + UNSEEN

    expected, got = vectorizer.transform(texts), WordBlock(vectorizer).transform(texts)

    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    assert got.data.tobytes() == expected.data.tobytes()


@pytest.mark.parametrize("fields", [1, 2])
def test_heads_judged_together_give_what_each_gives_alone(fields: int) -> None:
    # "same lines" fits its word blocks on the lines "threat" read, "other" on fewer lines.
    heads = {"threat": _head({0, 4, 7}, fields), "same lines": _head({2, 5}, fields)}
    heads["other"] = _head({4, 7}, fields, skip=3)
    texts = [join_fields("I can't pay", t) if fields == 2 else t for t in REPLIES + UNSEEN]
    embeddings = embed_fields(FakeEncoder(), texts, fields)

    together = class_probabilities(heads, "yes", embeddings, texts)

    for name, head in heads.items():
        # scikit-learn's own predict_proba over scikit-learn's own features
        estimator = head._estimator
        columns = split_fields(texts, fields)
        words = [v.transform(c) for v, c in zip(estimator.vectorizers, columns, strict=True)]
        features = hstack([csr_matrix(embeddings), *words]).tocsr()
        expected = estimator.regression.predict_proba(features)[:, head.classes.index("yes")]
        assert together[name].tobytes() == expected.tobytes()
    assert heads["threat"].features_key == heads["same lines"].features_key
    assert heads["threat"].features_key != heads["other"].features_key


def test_rule_probabilities_are_kept_per_text_and_equal_a_fresh_judgement() -> None:
    encoder = FakeEncoder()
    heads = [RuleHead("THREAT", _relabel(_head({0, 4, 7})))]
    model = JurisdictionRuleModel(encoder, heads)
    fresh = JurisdictionRuleModel(FakeEncoder(), heads)

    first = model.rule_probabilities(REPLIES[:3])
    encoded = encoder.texts_encoded
    again = model.rule_probabilities([*REPLIES[:3], REPLIES[4]])

    assert encoder.texts_encoded == encoded + 1  # only the new turn is judged
    np.testing.assert_array_equal(again["THREAT"][:3], first["THREAT"])
    alone = fresh.rule_probabilities([REPLIES[4]])["THREAT"]
    assert again["THREAT"][3:].tobytes() == alone.tobytes()


def _relabel(head: ClassifierHead) -> ClassifierHead:
    """A yes/no head under the rule heads' class names (positive/negative)."""
    classes = tuple("positive" if c == "yes" else "negative" for c in head.classes)
    return ClassifierHead(head.encoder, head._estimator, classes, head.version)


def test_a_memo_computes_only_what_it_does_not_hold_and_forgets_the_oldest() -> None:
    asked: list[list[str]] = []

    def compute(keys: list[str]) -> list[int]:
        asked.append(keys)
        return [len(k) for k in keys]

    memo: BatchMemo[str, int] = BatchMemo(2)
    assert memo.get_many(["a", "bb", "a"], compute) == [1, 2, 1]
    assert memo.get_many(["bb", "ccc"], compute) == [2, 3]
    assert memo.get_many(["a"], compute) == [1]

    assert asked == [["a", "bb"], ["ccc"], ["a"]]
    assert len(memo) == 2


def test_a_memo_shared_by_threads_gives_each_its_results() -> None:
    memo: BatchMemo[int, int] = BatchMemo(64)
    results: dict[int, list[int]] = {}

    def work(offset: int) -> None:
        keys = [(offset + i) % 100 for i in range(50)]
        results[offset] = memo.get_many(keys, lambda missing: [k * k for k in missing])

    threads = [threading.Thread(target=work, args=(n * 7,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for offset, got in results.items():
        assert got == [((offset + i) % 100) ** 2 for i in range(50)]
    assert len(results) == 8
    assert len(memo) <= 64
