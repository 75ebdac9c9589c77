"""The shared TF-IDF recipe, its native storage and the TF-IDF + logistic regression baseline (ml.text.tfidf)."""

import json

import numpy as np

from ml.text.tfidf import tfidf_load, tfidf_logistic_fit, tfidf_save, tfidf_saved, word_tfidf

TEXTS = ["where is my order", "cancel my order", "where is my parcel", "cancel the parcel please"]


def test_a_fitted_vectorizer_round_trips_through_json_and_npy_without_pickle(tmp_path):
    vectorizer = word_tfidf(dtype=np.float32).fit(TEXTS)
    assert not tfidf_saved(tmp_path)

    tfidf_save(vectorizer, tmp_path)

    assert tfidf_saved(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["tfidf_idf.npy", "tfidf_vocabulary.json"]
    assert (
        json.loads((tmp_path / "tfidf_vocabulary.json").read_text())["where is"] == vectorizer.vocabulary_["where is"]
    )
    reloaded = tfidf_load(tmp_path, word_tfidf(dtype=np.float32))
    np.testing.assert_array_equal(
        reloaded.transform(["is my parcel late"]).toarray(), vectorizer.transform(["is my parcel late"]).toarray()
    )


def test_the_recipe_is_word_one_and_two_grams_with_sublinear_tf():
    vectorizer = word_tfidf(max_features=7)
    assert (vectorizer.ngram_range, vectorizer.sublinear_tf, vectorizer.min_df, vectorizer.max_features) == (
        (1, 2),
        True,
        1,
        7,
    )


def test_the_baseline_learns_planted_words():
    vectorizer, regression = tfidf_logistic_fit(TEXTS, ["track", "cancel", "track", "cancel"], c=10.0, random_state=0)
    assert regression.predict(vectorizer.transform(["where is it", "please cancel"])).tolist() == ["track", "cancel"]
