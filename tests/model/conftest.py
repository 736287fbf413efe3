"""Model tests run torch on one thread: the models are tiny, and with pytest -n 2 two threads per worker would
oversubscribe the two cores (torch's spinning workers then slow everything down many times)."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def one_torch_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
