"""Device choice: ML_DEVICE=auto|cpu|cuda for every framework, with clear errors and CPU fallbacks."""

import logging
import sys
import types

import pytest
from django.core.exceptions import ImproperlyConfigured

from ml import device
from ml.device import DeviceUnavailableError, select_device


@pytest.fixture(autouse=True)
def _fresh_probe():
    device._gpu_support.cache_clear()
    yield
    device._gpu_support.cache_clear()


@pytest.fixture
def torch_without_gpu(monkeypatch):
    """A stand-in `torch` module whose CUDA is unavailable, as on a CPU-only machine with PyTorch."""
    fake = types.SimpleNamespace(cuda=types.SimpleNamespace(is_available=lambda: False))
    monkeypatch.setitem(sys.modules, "torch", fake)


@pytest.fixture
def torch_with_gpu(monkeypatch):
    fake = types.SimpleNamespace(cuda=types.SimpleNamespace(is_available=lambda: True))
    monkeypatch.setitem(sys.modules, "torch", fake)


@pytest.fixture
def no_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError


@pytest.mark.usefixtures("torch_with_gpu")
def test_cpu_setting_always_trains_on_the_cpu(settings):
    settings.ML_DEVICE = "cpu"

    assert select_device(framework="torch") == "cpu"


@pytest.mark.usefixtures("torch_with_gpu")
def test_auto_picks_cuda_when_pytorch_sees_a_gpu(settings):
    settings.ML_DEVICE = "auto"

    assert select_device(framework="torch") == "cuda"


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [("no_torch", "torch is not installed"), ("torch_without_gpu", "PyTorch sees no CUDA GPU")],
)
def test_auto_falls_back_to_the_cpu_with_a_log_line(settings, request, caplog, fixture, reason):
    # given
    request.getfixturevalue(fixture)
    settings.ML_DEVICE = "auto"

    # when
    with caplog.at_level(logging.INFO, logger="ml.device"):
        chosen = select_device(framework="torch")

    # then
    assert chosen == "cpu"
    assert f"Training with torch on the CPU: {reason}." in caplog.text


@pytest.mark.usefixtures("no_torch")
def test_cuda_without_a_usable_gpu_is_a_clear_error(settings):
    settings.ML_DEVICE = "cuda"

    with pytest.raises(DeviceUnavailableError) as error:
        select_device(framework="torch")

    assert error.value.message == (
        "ML_DEVICE=cuda, but torch is not installed. Set ML_DEVICE=auto or cpu to train on the CPU."
    )


def test_implicit_without_cuda_falls_back(settings, monkeypatch):
    # given: implicit built without CUDA
    monkeypatch.setitem(sys.modules, "implicit.gpu", types.SimpleNamespace(HAS_CUDA=False))
    settings.ML_DEVICE = "auto"

    assert select_device(framework="implicit") == "cpu"


def test_numpy_models_train_on_the_cpu_even_when_cuda_is_asked_for(settings):
    settings.ML_DEVICE = "cuda"

    assert select_device(framework="numpy") == "cpu"


def test_a_misspelt_setting_is_a_configuration_error(settings):
    settings.ML_DEVICE = "gpu"

    with pytest.raises(ImproperlyConfigured) as error:
        select_device(framework="torch")

    assert str(error.value) == "ML_DEVICE must be one of auto, cpu, cuda, not 'gpu'."
