"""Model artifacts on disk under settings.MODEL_ROOT: written atomically, verified on every load.

An artifact is a folder `<kind>/v<number>/` holding the files the kind saved (native formats:
numpy `.npz`, LightGBM text, PyTorch `state_dict` + JSON config) plus a `SHA256SUMS` manifest in
`sha256sum` format, so operators can check a copy with `sha256sum -c SHA256SUMS`. The registry
stores the folder's path relative to MODEL_ROOT (shared storage may be mounted elsewhere on
another machine) and the SHA-256 of the manifest, which covers every file's name and content.

Writing: the kind saves into a temporary folder next to the target, every file and the folder are
fsynced, the manifest is written, and one rename puts the folder in place; a reader never sees a
half-written artifact, and a crash leaves only a `.tmp-*` folder behind.
"""

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from core.errors import ApplicationError

MANIFEST = "SHA256SUMS"


class ArtifactError(ApplicationError):
    """An artifact is missing or does not match its recorded checksum; it must not be loaded."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code)


@dataclass(frozen=True)
class Artifact:
    path: str  # relative to MODEL_ROOT
    sha256: str
    size: int  # bytes of all files, manifest excluded


def artifact_write(*, kind: str, version_number: int, save: Callable[[Path], None]) -> Artifact:
    """Have `save(folder)` write the model's files, then publish them as `<kind>/v<number>/`.

    An existing folder at that place can only be left by an earlier attempt of the same version
    that died before the registry recorded it; it is replaced.
    """
    relative = _relative_path(kind=kind, version_number=version_number)
    final = Path(settings.MODEL_ROOT) / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.parent / f".tmp-{final.name}-{uuid.uuid4().hex}"
    temporary.mkdir()
    try:
        save(temporary)
        manifest = _manifest(temporary)
        size = sum(file.stat().st_size for file in temporary.iterdir())
        (temporary / MANIFEST).write_text(manifest, encoding="utf-8")
        for file in temporary.iterdir():
            _fsync_file(file)
        _fsync_dir(temporary)
        if final.exists():
            shutil.rmtree(final)
        temporary.rename(final)
        _fsync_dir(final.parent)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return Artifact(path=relative.as_posix(), sha256=_sha256_text(manifest), size=size)


def artifact_verify(*, path: str, sha256: str) -> Path:
    """The artifact's folder, after checking that its files still hash to `sha256`."""
    folder = Path(settings.MODEL_ROOT) / path
    if not folder.is_dir():
        raise ArtifactError(f"Artifact folder {folder} does not exist.", code="artifact_missing")
    actual = _sha256_text(_manifest(folder))
    if actual != sha256:
        raise ArtifactError(
            f"Artifact {folder} has SHA-256 {actual}, the registry expects {sha256}; refusing to load it.",
            code="artifact_checksum_mismatch",
        )
    return folder


def artifact_discard(*, kind: str, version_number: int) -> None:
    """Delete what a failed version left: its folder and temporary folders of a killed attempt."""
    final = Path(settings.MODEL_ROOT) / _relative_path(kind=kind, version_number=version_number)
    for folder in [final, *final.parent.glob(f".tmp-{final.name}-*")]:
        shutil.rmtree(folder, ignore_errors=True)


def _relative_path(*, kind: str, version_number: int) -> Path:
    return Path(kind) / f"v{version_number}"


def _manifest(folder: Path) -> str:
    """`sha256sum` lines for every file of the folder but the manifest, sorted by name."""
    lines = []
    for file in sorted(folder.iterdir()):
        if file.name == MANIFEST:
            continue
        if not file.is_file():
            raise ArtifactError(f"Artifacts hold plain files only; {file} is not one.", code="artifact_invalid")
        with file.open("rb") as handle:
            lines.append(f"{hashlib.file_digest(handle, 'sha256').hexdigest()}  {file.name}\n")
    return "".join(lines)


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    """Make a folder's entries (new files, a rename) durable, not only the files' contents."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
