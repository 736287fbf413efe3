import pytest
import torch

from merstudio.errors import InputError
from merstudio.model.device import pick_device

HAS_CUDA = torch.cuda.is_available()


@pytest.mark.parametrize("spec", [None, "auto", " Auto "])
def test_auto_takes_cuda_when_there_is_one(spec):
    assert pick_device(spec).type == ("cuda" if HAS_CUDA else "cpu")


@pytest.mark.parametrize("spec", ["cpu", "CPU", torch.device("cpu")])
def test_cpu_as_given(spec):
    assert pick_device(spec) == torch.device("cpu")


@pytest.mark.parametrize("spec", ["mps", "gpu", "cuda:x", "", "xpu"])
def test_devices_not_offered_are_one_clear_line(spec):
    with pytest.raises(InputError, match="expected auto, cpu, cuda or cuda:N") as e:
        pick_device(spec)
    assert "\n" not in str(e.value)


@pytest.mark.skipif(HAS_CUDA, reason="checks the message on machines without CUDA")
@pytest.mark.parametrize("spec", ["cuda", "cuda:1"])
def test_cuda_where_there_is_none(spec):
    with pytest.raises(InputError, match="CUDA is not available on this machine"):
        pick_device(spec)


@pytest.mark.skipif(not HAS_CUDA, reason="needs a CUDA device")
def test_a_cuda_index_past_the_last_device():
    with pytest.raises(InputError, match="CUDA device"):
        pick_device(f"cuda:{torch.cuda.device_count()}")
