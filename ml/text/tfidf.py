"""Word n-gram TF-IDF for text models: the shared recipe, its storage in native formats, and the TF-IDF +
logistic regression baseline that every text engine is measured against.

    vectorizer = word_tfidf(max_features=20_000).fit(texts)
    tfidf_save(vectorizer, directory)              # tfidf_vocabulary.json + tfidf_idf.npy: no pickle
    vectorizer = tfidf_load(directory, word_tfidf(max_features=20_000))

The recipe: word 1-2 grams, lower-cased, sublinear tf (1 + log tf), every n-gram seen once kept
(`min_df` 1), rows L2-normalised (scikit-learn's TfidfVectorizer). Loading needs a vectorizer made
with the same options as the saved one; only the learnt vocabulary and idf weights are stored.
"""

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

VOCABULARY_FILE = "tfidf_vocabulary.json"
IDF_FILE = "tfidf_idf.npy"


def word_tfidf(**options):
    """An unfitted TfidfVectorizer of the shared recipe; `options` add to it (max_features, dtype...)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True, min_df=1, **options)


def tfidf_save(vectorizer, directory: Path) -> None:
    """The fitted vocabulary (JSON, term -> column) and idf weights (.npy, float64) into `directory`."""
    directory = Path(directory)
    np.save(directory / IDF_FILE, vectorizer.idf_.astype(np.float64), allow_pickle=False)
    vocabulary = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
    (directory / VOCABULARY_FILE).write_text(json.dumps(vocabulary))


def tfidf_saved(directory: Path) -> bool:
    return (Path(directory) / IDF_FILE).exists()


def tfidf_load(directory: Path, vectorizer):
    """`vectorizer` (unfitted, made with the saved one's options) given the vocabulary and idf of `directory`."""
    directory = Path(directory)
    vectorizer.vocabulary_ = json.loads((directory / VOCABULARY_FILE).read_text())
    vectorizer.idf_ = np.load(directory / IDF_FILE, allow_pickle=False)
    return vectorizer


def tfidf_logistic_fit(texts: Sequence[str], labels, *, c: float, random_state: int | None = None):
    """(vectorizer, regression): the baseline, a multinomial logistic regression (L2, strength 1/`c`) on
    `word_tfidf` features of `texts`. Labels are whatever the caller classifies (indices or names)."""
    from sklearn.linear_model import LogisticRegression

    vectorizer = word_tfidf()
    features = vectorizer.fit_transform(list(texts))
    regression = LogisticRegression(C=c, max_iter=2000, random_state=random_state)
    regression.fit(features, labels)
    return vectorizer, regression
