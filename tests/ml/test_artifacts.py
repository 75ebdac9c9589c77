"""Artifacts: atomic writes under MODEL_ROOT and checksum verification before any load."""

import hashlib

import numpy as np
import pytest

from ml.artifacts import ArtifactError, artifact_verify, artifact_write


def save_weights(folder):
    np.save(folder / "weights.npy", np.array([1.0, 2.0]))
    (folder / "config.json").write_text('{"layers": 2}')


def test_an_artifact_is_written_with_a_manifest_and_verifies(model_root):
    # when
    artifact = artifact_write(kind="toy", version_number=7, save=save_weights)

    # then
    folder = model_root / "toy" / "v7"
    manifest = (folder / "SHA256SUMS").read_text()
    assert manifest.splitlines() == [
        f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}" for name in ("config.json", "weights.npy")
    ]
    assert artifact.path == "toy/v7"
    assert artifact.sha256 == hashlib.sha256(manifest.encode()).hexdigest()
    assert artifact.size == (folder / "config.json").stat().st_size + (folder / "weights.npy").stat().st_size
    assert artifact_verify(path="toy/v7", sha256=artifact.sha256) == folder
    assert [path.name for path in (model_root / "toy").iterdir()] == ["v7"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda folder: (folder / "config.json").write_text('{"layers": 3}'),
        lambda folder: (folder / "extra.bin").write_bytes(b"\x00"),
        lambda folder: (folder / "config.json").unlink(),
    ],
    ids=["changed file", "added file", "removed file"],
)
def test_a_tampered_artifact_is_refused(model_root, tamper):
    # given
    artifact = artifact_write(kind="toy", version_number=1, save=save_weights)
    tamper(model_root / "toy" / "v1")

    # when
    with pytest.raises(ArtifactError) as refused:
        artifact_verify(path=artifact.path, sha256=artifact.sha256)

    # then
    assert refused.value.code == "artifact_checksum_mismatch"
    assert "refusing to load it" in refused.value.message


def test_a_missing_artifact_is_refused(model_root):
    # when
    with pytest.raises(ArtifactError) as refused:
        artifact_verify(path="toy/v9", sha256="0" * 64)

    # then
    assert refused.value.code == "artifact_missing"


def test_a_failing_save_leaves_nothing_behind(model_root):
    # given
    def broken_save(folder):
        (folder / "weights.npy").write_bytes(b"partial")
        raise OSError("No space left on device")

    # when
    with pytest.raises(OSError, match="No space left"):
        artifact_write(kind="toy", version_number=1, save=broken_save)

    # then
    assert list((model_root / "toy").iterdir()) == []


def test_rewriting_a_version_replaces_the_folder_of_an_earlier_attempt(model_root):
    # given: an attempt that died after publishing its folder, before the registry recorded it
    artifact_write(kind="toy", version_number=1, save=lambda folder: (folder / "old.bin").write_bytes(b"old"))

    # when
    artifact = artifact_write(kind="toy", version_number=1, save=save_weights)

    # then
    assert sorted(path.name for path in (model_root / "toy" / "v1").iterdir()) == [
        "SHA256SUMS",
        "config.json",
        "weights.npy",
    ]
    assert artifact_verify(path="toy/v1", sha256=artifact.sha256)
