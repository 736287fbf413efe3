"""The torch-free metadata reader the app uses to name the model behind a video's curves."""

import os
import pickle
import subprocess
import sys
import zipfile

import pytest
import torch

from merstudio.model import MENet, ModelConfig
from merstudio.model.checkpoint import read_checkpoint_meta, save_checkpoint
from merstudio.model.checkpoint_meta import peek_checkpoint_meta
from merstudio.resources import starter_checkpoint


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    torch.manual_seed(0)
    cfg = ModelConfig(T=1, in_channels=3, n_classes=2, class_names=["happily surprised", "none"])
    return save_checkpoint(tmp_path_factory.mktemp("c") / "m.pt", MENet(cfg).eval(), {"training": {"data": "x"}})


def test_the_same_metadata_as_torchs_reader(ckpt):
    for path in (ckpt, starter_checkpoint()):
        assert peek_checkpoint_meta(path) == read_checkpoint_meta(path)


def test_it_never_imports_torch():
    code = ("import sys; from merstudio.model.checkpoint_meta import peek_checkpoint_meta; "
            "from merstudio.resources import starter_checkpoint; "
            "assert peek_checkpoint_meta(starter_checkpoint())['class_names']; "
            "assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def _zip_with(path, pkl: bytes):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.pkl", pkl)
    return path


class _Boom:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def test_anything_unplain_is_left_to_torch(ckpt, tmp_path):
    # not a checkpoint, a plain state dict, a cut-off file, a damaged member, a global that is not torch's
    plain = tmp_path / "sd.pt"
    torch.save({"w": torch.zeros(2)}, plain)
    cut = tmp_path / "cut.pt"
    cut.write_bytes(ckpt.read_bytes()[: len(ckpt.read_bytes()) // 2])
    bad = tmp_path / "bad.pt"
    data = bytearray(ckpt.read_bytes())
    with zipfile.ZipFile(ckpt) as zf:
        at = next(i for i in zf.infolist() if i.filename.endswith("/data.pkl")).header_offset
    name_len, extra_len = (int.from_bytes(data[at + k:at + k + 2], "little") for k in (26, 28))
    data[at + 30 + name_len + extra_len + 5] ^= 0xFF  # a byte of the pickle (stored, not compressed)
    bad.write_bytes(bytes(data))
    text = tmp_path / "t.pt"
    text.write_text("hello")
    evil = _zip_with(tmp_path / "evil.pt", pickle.dumps({"format": "merstudio-checkpoint", "format_version": 1,
                                                           "meta": {"x": _Boom()}, "state_dict": {}}))
    for p in (plain, cut, bad, text, evil, tmp_path / "missing.pt"):
        assert peek_checkpoint_meta(p) is None, p.name
    assert not (tmp_path / "PWNED").exists() and not os.path.exists("PWNED")
