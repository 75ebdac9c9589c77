"""The engine on tiny planted data: it learns, its probabilities are calibrated and it round-trips."""

import json

import numpy as np
import pytest
import torch

from ml.text.calibration import nll
from sentiment.ml import baselines, classifier, lexical, metrics
from sentiment.ml.labels import NEGATIVE, NEUTRAL, POSITIVE

TRAIN = [
    ("I love it, wonderful quality", POSITIVE),
    ("Excellent, works perfectly", POSITIVE),
    ("Fantastic purchase, very happy", POSITIVE),
    ("Brilliant and beautiful, highly recommend", POSITIVE),
    ("Great value, delighted with it", POSITIVE),
    ("Superb, the best I have owned", POSITIVE),
    ("Terrible, it broke on day one", NEGATIVE),
    ("Awful quality, complete waste of money", NEGATIVE),
    ("Very disappointed, does not work", NEGATIVE),
    ("Horrible, I returned it", NEGATIVE),
    ("Rubbish, fell apart quickly", NEGATIVE),
    ("The worst purchase ever, avoid", NEGATIVE),
]
TEST = [
    ("Absolutely lovely, I am thrilled", POSITIVE),
    ("Really pleased, it is perfect", POSITIVE),
    ("Amazing product, five stars", POSITIVE),
    ("Dreadful, stopped working at once", NEGATIVE),
    ("Poor and cheap, I regret buying it", NEGATIVE),
    ("Useless junk, do not buy", NEGATIVE),
]


def split(rows):
    return [text for text, _ in rows], np.array([label for _, label in rows])


@pytest.mark.slow
def test_a_tiny_model_learns_positive_versus_negative(tmp_path):
    texts, labels = split(TRAIN)
    test_texts, test_labels = split(TEST)
    params = classifier.ClassifierParams(tune_layers=1, members=1, epochs=6, calibration_share=0.0, batch_size=4)
    model = classifier.fit(texts, labels, params=params)

    probabilities = model.predict_proba(test_texts)
    assert metrics.scores(probabilities, test_labels) == {"accuracy": 1.0, "macro_f1": 1.0}
    # Neutral never appeared in training, so the model never says it.
    assert probabilities[:, NEUTRAL].tolist() == [0.0] * len(TEST)
    assert model.classes_present == ["negative", "positive"]
    # A majority-class guess gets half of them right.
    assert metrics.scores(np.tile([1.0, 0.0, 0.0], (len(TEST), 1)), test_labels)["accuracy"] == 0.5

    classifier.save(model, tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["classifier.json", "weights.pt"]
    reloaded = classifier.load(tmp_path)
    np.testing.assert_allclose(reloaded.predict_proba(test_texts), probabilities, atol=1e-6)


@pytest.mark.slow
def test_an_ensemble_averages_its_members_logits_and_round_trips(tmp_path):
    texts, labels = split(TRAIN)
    test_texts, test_labels = split(TEST)
    params = classifier.ClassifierParams(
        tune_layers=0, members=2, epochs=40, batch_size=4, calibration_share=0.0, head_learning_rate=1e-2
    )
    model = classifier.fit(texts, labels, params=params)

    member_logits = model.member_logits(test_texts)
    assert member_logits.shape == (2, len(TEST), 3)
    # Different seeds, different heads...
    assert not np.allclose(member_logits[0], member_logits[1])
    # ...averaged into the ensemble's logits, one frozen encoder in memory for both.
    np.testing.assert_allclose(model.logits(test_texts), member_logits.mean(axis=0), atol=1e-6)
    assert model.networks[1].encoder.embeddings is model.networks[0].encoder.embeddings
    assert metrics.scores(model.predict_proba(test_texts), test_labels)["accuracy"] == 1.0
    assert [len(losses) for losses in model.report.epoch_losses] == [40, 40]

    classifier.save(model, tmp_path)
    reloaded = classifier.load(tmp_path)
    assert len(reloaded.networks) == 2
    np.testing.assert_allclose(reloaded.member_logits(test_texts), member_logits, atol=1e-5)


@pytest.mark.slow
def test_a_format_1_file_of_one_model_still_loads_as_one_member(tmp_path):
    texts, labels = split(TRAIN)
    params = classifier.ClassifierParams(tune_layers=0, members=1, epochs=5, batch_size=4, calibration_share=0.0)
    model = classifier.fit(texts, labels, params=params)
    classifier.save(model, tmp_path)
    # Rewrite it as the first format wrote it: no member prefix, no `members` or `precision` parameter.
    config = json.loads((tmp_path / classifier.CONFIG_FILE).read_text())
    config["format_version"] = 1
    del config["params"]["members"], config["params"]["precision"]
    (tmp_path / classifier.CONFIG_FILE).write_text(json.dumps(config))
    state = torch.load(tmp_path / classifier.WEIGHTS_FILE, weights_only=True)
    torch.save({name.removeprefix("members.0."): tensor for name, tensor in state.items()}, tmp_path / "weights.pt")

    reloaded = classifier.load(tmp_path)
    assert reloaded.params.members == 1
    np.testing.assert_allclose(reloaded.predict_proba(texts), model.predict_proba(texts), atol=1e-6)


def test_the_lexical_model_learns_planted_words_and_round_trips(tmp_path):
    texts, labels = split(TRAIN)
    model = lexical.lexical_fit(texts, labels)

    log_proba = model.log_proba(["wonderful, love it", "awful, broke"])
    assert log_proba.shape == (2, 3)
    assert log_proba[:, NEUTRAL].tolist() == [0.0, 0.0]  # never seen: left to the network's class mask
    assert (np.argmax(log_proba[:, [NEGATIVE, POSITIVE]], axis=1) == [1, 0]).all()
    np.testing.assert_allclose(np.exp(log_proba[:, [NEGATIVE, POSITIVE]]).sum(axis=1), [1.0, 1.0], atol=1e-6)

    lexical.lexical_save(model, tmp_path)
    np.testing.assert_allclose(lexical.lexical_load(tmp_path).log_proba(["wonderful, love it"]), log_proba[:1])


def test_the_blend_weighs_the_lexical_part_only_when_it_helps():
    rng = np.random.default_rng(0)
    labels = rng.choice([NEGATIVE, POSITIVE], size=400)
    network = rng.normal(size=(400, 3))  # knows nothing
    informative = np.zeros((400, 3))
    informative[np.arange(400), labels] = 2.0
    informative -= np.log(np.exp(informative).sum(axis=1, keepdims=True))

    weight, temperature = classifier.blend_fit(network, informative, labels)
    assert weight > 0
    assert nll(network + weight * informative, labels, temperature) < nll(network, labels, 1.0)
    # A lexical part that is pure noise gets no weight.
    network[np.arange(400), labels] += 3.0
    assert classifier.blend_fit(network, rng.normal(size=(400, 3)), labels)[0] == 0.0


@pytest.mark.slow
def test_with_calibration_rows_the_lexical_part_is_weighed_saved_and_reloaded(tmp_path):
    texts, labels = split(TRAIN * 3)
    params = classifier.ClassifierParams(tune_layers=0, members=1, epochs=5, batch_size=8, calibration_share=0.25)
    model = classifier.fit(texts, labels, params=params)
    # 8 held-out rows (4.5 of each class of 18, rounded to even) are too few to weigh a lexical part.
    assert model.report.calibration_rows == 8
    assert (model.lexical_model, model.lexical_weight, model.report.lexical_weight) == (None, 0.0, 0.0)
    # Whatever weight the calibration rows chose, a weighted lexical part changes the scores and survives saving.
    test_texts, _ = split(TEST)
    network_only = model.predict_proba(test_texts)
    model.lexical_model, model.lexical_weight = lexical.lexical_fit(texts, labels), 1.5
    blended = model.predict_proba(test_texts)
    assert not np.allclose(blended, network_only)

    classifier.save(model, tmp_path)
    assert (tmp_path / lexical.LEXICAL_FILE).exists()
    reloaded = classifier.load(tmp_path)
    assert reloaded.lexical_weight == 1.5
    np.testing.assert_allclose(reloaded.predict_proba(test_texts), blended, atol=1e-6)


def test_bfloat16_training_is_used_only_where_the_hardware_does_it():
    assert classifier.precision_resolve("fp32", "cpu") == "fp32"
    assert classifier.precision_resolve("bf16", "cpu") == "bf16"
    native = torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported()
    assert classifier.precision_resolve("auto", "cpu") == ("bf16" if native else "fp32")


def test_classifier_parameters_are_checked():
    with pytest.raises(ValueError, match="members must be from 1 to 10, not 0"):
        classifier.ClassifierParams(members=0)
    with pytest.raises(ValueError, match="precision must be one of auto, bf16, fp32, not 'fp16'"):
        classifier.ClassifierParams(precision="fp16")


def test_member_seeds_never_repeat_across_ensemble_seeds():
    seeds = [classifier.member_seed(seed, 3, member) for seed in range(3) for member in range(3)]
    assert seeds == list(range(9))
    assert classifier.member_seed(5, 1, 0) == 5


@pytest.mark.slow
@pytest.mark.parametrize(
    ("members", "share", "cross_fit", "held_out", "trained_on"),
    [
        (2, 0.25, True, 16, 28),  # each of 2 members holds out its own quarter: 2 x 8 calibration rows
        (2, 0.25, False, 8, 28),  # both hold out the same 8
        (5, 0.3, True, 36, 26),  # 5 of each class per fold until a class runs out: the last fold is empty
    ],
)
def test_cross_fitted_members_hold_out_their_own_rows(members, share, cross_fit, held_out, trained_on):
    texts, labels = split(TRAIN * 3)
    params = classifier.ClassifierParams(
        tune_layers=0, members=members, epochs=5, batch_size=8, calibration_share=share, cross_fit=cross_fit
    )
    model = classifier.fit(texts, labels, params=params)
    assert (model.report.calibration_rows, model.report.train_rows) == (held_out, trained_on)
    assert len(model.networks) == members


def test_vader_probabilities_follow_its_thresholds():
    probabilities = baselines.vader_probabilities(np.array([0.8, -0.5, 0.0, 0.04]))
    np.testing.assert_allclose(
        probabilities,
        [[0.0, 0.1, 0.9], [0.75, 0.25, 0.0], [0.0, 1.0, 0.0], [0.0, 0.96, 0.04]],
    )


def test_binary_test_sets_are_scored_between_their_two_classes():
    # Neutral is the most probable here, but the true labels use negative and positive only.
    probabilities = np.array([[0.3, 0.6, 0.1], [0.1, 0.6, 0.3]])
    assert metrics.scores(probabilities, np.array([NEGATIVE, POSITIVE])) == {"accuracy": 1.0, "macro_f1": 1.0}
