"""The intent engine learns planted structure, declines unrelated messages, and survives a save/load."""

import json

import pytest

from support.ml import oos
from support.ml.baseline import baseline_fit
from support.ml.engine import EngineParams, engine_fit, engine_load

pytestmark = pytest.mark.slow

# Planted structure: each intent has its own topic words inside shared filler, so a model must
# read the topic to tell them apart (the filler is identical across intents).
TOPICS = {
    "weather": ["rain", "sunshine", "storm", "snowfall", "temperature", "forecast"],
    "music": ["guitar", "piano", "concert", "song", "drums", "album"],
    "food": ["pizza", "salad", "pasta", "soup", "sandwich", "noodles"],
    "travel": ["flight", "train ticket", "hotel", "passport", "airport", "luggage"],
}
FILLERS = ["tell me about the {}", "I have a question on {}", "what do you know about {}", "help me with {}"]
TEST_PHRASES = {
    "weather": "will there be a storm and rain tomorrow",
    "music": "I love playing the piano and guitar",
    "food": "can I order pasta or a pizza",
    "travel": "my flight leaves from the airport at noon",
}


def planted():
    texts, intents = [], []
    for intent, words in TOPICS.items():
        for i, word in enumerate(words):
            texts.append(FILLERS[i % len(FILLERS)].format(word))
            intents.append(intent)
    return texts, intents


def test_engine_reads_the_topic_beats_the_majority_and_declines_unrelated_text(tmp_path):
    texts, intents = planted()
    params = EngineParams(finetune_seconds=0, folds=1, holdout_fraction=0.34, max_in_scope_loss=0.0)

    engine = engine_fit(texts, intents, params=params)
    predictions = engine.predict(list(TEST_PHRASES.values()))

    assert [p.best_intent for p in predictions] == list(TEST_PHRASES)
    assert [p.intent for p in predictions] == list(TEST_PHRASES)  # none declined
    assert engine.predict(["what is the square root of nine"])[0].intent is None
    majority = 0.25
    accuracy = sum(p.best_intent == i for p, i in zip(predictions, TEST_PHRASES, strict=True)) / 4
    assert accuracy > majority
    assert 0.0 < engine.temperature < 20.0
    assert engine.score_name in oos.SCORES
    assert engine.threshold == engine.facts[f"oos_threshold_{engine.score_name}"]

    engine.save(tmp_path)
    files = sorted(path.name for path in tmp_path.iterdir())
    assert files == [
        "config.json",
        "head.safetensors",
        "index.npy",
        "index_labels.npy",
        "tfidf_idf.npy",
        "tfidf_vocabulary.json",
    ]
    assert json.loads((tmp_path / "config.json").read_text())["labels"] == sorted(TOPICS)
    loaded = engine_load(tmp_path)
    again = loaded.predict(list(TEST_PHRASES.values()))
    assert [p.intent for p in again] == list(TEST_PHRASES)
    assert [round(p.confidence, 5) for p in again] == [round(p.confidence, 5) for p in predictions]


def test_fine_tuning_runs_within_its_budget_and_keeps_the_topics(tmp_path):
    texts, intents = planted()
    params = EngineParams(finetune_seconds=20, finetune_epochs=2, batch_size=8, holdout_fraction=0.34)

    engine = engine_fit(texts, intents, params=params)

    assert engine.encoder.is_finetuned
    assert engine.facts["finetune_epochs"] <= 2.0
    assert [p.best_intent for p in engine.predict(list(TEST_PHRASES.values()))] == list(TEST_PHRASES)
    engine.save(tmp_path)
    assert (tmp_path / "encoder" / "model.safetensors").exists()
    assert [p.best_intent for p in engine_load(tmp_path).predict(list(TEST_PHRASES.values()))] == list(TEST_PHRASES)


def test_tfidf_baseline_learns_the_same_planted_words():
    texts, intents = planted()
    assert baseline_fit(texts, intents).predict(list(TEST_PHRASES.values())) == list(TEST_PHRASES)


def test_threshold_rows_are_every_row_by_folds_or_the_held_out_split_when_intents_are_too_small():
    texts, intents = planted()  # 4 intents x 6 rows

    by_folds = engine_fit(texts, intents, params=EngineParams(finetune_seconds=0, folds=5))
    by_split = engine_fit(texts, intents, params=EngineParams(finetune_seconds=0, folds=10, holdout_fraction=0.34))

    assert by_folds.facts["holdout_rows"] == 24.0
    assert by_split.facts["holdout_rows"] == 8.0  # 2 of each intent's 6 rows
    assert by_folds.threshold > float("-inf")
    assert by_split.threshold > float("-inf")
