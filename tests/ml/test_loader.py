"""Serving: the champion cache notices new champions after the check interval and falls back safely."""

import logging

import numpy as np
import pytest

from ml import loader
from ml.loader import ChampionCache
from ml.models import ModelVersion
from ml.services import model_version_promote
from tests.factories import UserFactory
from tests.ml.toy import train

pytestmark = pytest.mark.django_db


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def cache(clock, settings):
    settings.ML_CHAMPION_CHECK_SECONDS = 10
    return ChampionCache(clock=clock)


def test_the_champion_is_loaded_once_and_a_new_champion_is_served_after_the_check_interval(
    toy, cache, clock, django_assert_num_queries
):
    # given
    v1 = train(accuracy=0.5).version
    first = cache.get("toy")
    v2 = train(accuracy=0.7).version

    # when
    clock.now += 9.9
    with django_assert_num_queries(0):
        within_interval = cache.get("toy")
    clock.now += 0.1
    with django_assert_num_queries(1):
        after_interval = cache.get("toy")
    with django_assert_num_queries(0):
        cached_again = cache.get("toy")

    # then
    assert (first.version_id, first.label, first.model.tolist()) == (v1.pk, "toy v1", [0.5])
    assert within_interval is first
    assert (after_interval.version_id, after_interval.version_number, after_interval.model.tolist()) == (
        v2.pk,
        2,
        [0.7],
    )
    assert cached_again is after_interval


def test_a_staff_promotion_is_noticed_without_a_restart(toy, cache, clock):
    # given: v2 was rejected by the gate, v1 is served
    train(accuracy=0.9)
    rejected = train(accuracy=0.5).version
    assert cache.get("toy").version_number == 1

    # when
    model_version_promote(version=rejected, user=UserFactory(is_staff=True))
    clock.now += 10

    # then
    assert cache.get("toy").version_id == rejected.pk


def test_without_a_champion_the_baseline_is_served(toy, cache):
    # when
    served = cache.get("toy")

    # then
    assert served.is_baseline
    assert (served.version_id, served.label, served.model.tolist()) == (None, "toy baseline", [0.0])


@pytest.mark.parametrize("damage", ["delete", "corrupt"])
def test_an_unloadable_champion_falls_back_to_the_baseline_and_is_flagged(toy, cache, model_root, caplog, damage):
    # given
    version = train(accuracy=0.5).version
    weights = model_root / "toy" / "v1" / "weights.npy"
    if damage == "delete":
        weights.unlink()
    else:
        weights.write_bytes(weights.read_bytes()[:-8] + np.array([0.99]).tobytes())

    # when
    with caplog.at_level(logging.ERROR, logger="ml.loader"):
        served = cache.get("toy")

    # then
    assert served.is_baseline
    assert served.model.tolist() == [0.0]
    assert "Could not load toy v1; serving the baseline" in caplog.text
    version.refresh_from_db()
    assert version.load_error.startswith("ArtifactError: Artifact ")
    assert version.load_error.endswith(f"the registry expects {version.artifact_sha256}; refusing to load it.")
    assert version.load_error_at is not None


def test_a_champion_whose_artifact_is_repaired_is_served_and_unflagged(toy, cache, clock, model_root):
    # given: a failed load recorded on the version
    version = train(accuracy=0.5).version
    weights = model_root / "toy" / "v1" / "weights.npy"
    original = weights.read_bytes()
    weights.write_bytes(b"garbage")
    assert cache.get("toy").is_baseline

    # when
    weights.write_bytes(original)
    clock.now += 10
    served = cache.get("toy")

    # then
    assert served.version_id == version.pk
    version.refresh_from_db()
    assert (version.load_error, version.load_error_at) == ("", None)


def test_the_process_wide_loader_serves_the_champion(toy):
    # given
    version = train(accuracy=0.6).version

    # when
    served = loader.champion("toy")

    # then
    assert (served.version_id, served.model.tolist()) == (version.pk, [0.6])
    assert ModelVersion.objects.get(pk=version.pk).load_error == ""
