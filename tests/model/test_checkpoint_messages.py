"""Checkpoint refusals in plain words, one line each, that say why (issue 14, item 12): no ANSI escape codes and no
cut-off torch sentences; a read-only file system is not called a missing permission."""

from __future__ import annotations

import errno
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import merstudio.model.checkpoint as ckpt
from merstudio.errors import CheckpointError, OutputError
from merstudio.model import MENet, ModelConfig, load_checkpoint, read_checkpoint_meta, save_checkpoint
from merstudio.model.checkpoint import FORMAT_VERSION


class Smuggled:
    """Pickled by reference: the safe loader refuses it."""


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch.set_num_threads(1)
    return save_checkpoint(tmp_path_factory.mktemp("ck") / "good.pt", MENet(ModelConfig(T=2, in_channels=4)))


def _refusal(path: Path) -> str:
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path)
    msg = str(info.value)
    assert msg.startswith(f"{path}: ")
    assert "\n" not in msg and "\x1b" not in msg and not re.search(r"[\x00-\x1f\x7f]", msg), repr(msg)
    assert "Weights only load failed" not in msg and "two options" not in msg, msg  # torch's own advice
    assert len(msg) < len(str(path)) + 220, msg
    with pytest.raises(CheckpointError) as again:
        read_checkpoint_meta(path)
    assert str(again.value) == msg
    return msg[len(str(path)) + 2:]


def test_unsafe_content_is_refused_in_plain_words(tmp_path: Path, good: Path) -> None:
    payload = torch.load(good, weights_only=True)
    payload["meta"]["extra"] = Smuggled()
    bad = tmp_path / "unsafe.pt"
    torch.save(payload, bad)
    why = _refusal(bad)
    assert why.startswith("unsafe content refused"), why
    assert "Smuggled" in why and "not loaded" in why


def test_damaged_files(tmp_path: Path, good: Path) -> None:
    data = good.read_bytes()
    for name, content in (("half.pt", data[: len(data) // 2]), ("head.pt", data[:200]),
                          ("tail.pt", data[: len(data) - 30])):
        (tmp_path / name).write_bytes(content)
        why = _refusal(tmp_path / name)
        assert why.startswith("damaged checkpoint"), (name, why)


def test_not_a_checkpoint(tmp_path: Path, good: Path) -> None:
    (tmp_path / "random.pt").write_bytes(np.random.default_rng(0).bytes(2000))
    (tmp_path / "empty.pt").write_bytes(b"")
    (tmp_path / "text.pt").write_text("hello\n" * 100)
    torch.save(MENet(ModelConfig(T=2, in_channels=4)).state_dict(), tmp_path / "sd.pt")
    torch.save([1, 2, 3], tmp_path / "list.pt")
    for name in ("random.pt", "empty.pt", "text.pt", "sd.pt", "list.pt"):
        why = _refusal(tmp_path / name)
        assert why.startswith("not a merstudio checkpoint"), (name, why)


def test_newer_version(tmp_path: Path, good: Path) -> None:
    payload = torch.load(good, weights_only=True)
    payload["format_version"] = FORMAT_VERSION + 1
    torch.save(payload, tmp_path / "newer.pt")
    why = _refusal(tmp_path / "newer.pt")
    assert why.startswith("written by a newer version of merstudio"), why
    assert "update merstudio" in why


def test_no_permission_to_read(tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.pt"
    shutil.copy(good, path)

    def denied(f, *a, **kw):
        raise PermissionError(errno.EACCES, "Permission denied", str(f))

    monkeypatch.setattr(torch, "load", denied)
    monkeypatch.setattr(ckpt.torch, "load", denied)
    why = _refusal(path)
    assert why == "cannot read the checkpoint (no permission)", why


@pytest.mark.parametrize(("code", "words"), [(errno.EROFS, "read-only file system"),
                                              (errno.EACCES, "no permission")])
def test_save_says_read_only_or_no_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int,
                                             words: str) -> None:
    def refuse(*a, **kw):
        raise OSError(code, "refused")

    monkeypatch.setattr(ckpt, "open", refuse, raising=False)
    with pytest.raises(OutputError) as info:
        save_checkpoint(tmp_path / "m.pt", MENet(ModelConfig()))
    msg = str(info.value)
    assert msg.startswith(f"{tmp_path / 'm.pt'}: cannot write") and words in msg, msg
    other = "no permission" if code == errno.EROFS else "read-only"
    assert other not in msg, msg


_RO_SAVE = """
import sys
from merstudio.errors import OutputError
from merstudio.model import MENet, ModelConfig, save_checkpoint
try:
    save_checkpoint(sys.argv[1], MENet(ModelConfig()))
except OutputError as exc:
    print("OutputError:", exc)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("unshare") is None,
                    reason="needs Linux user namespaces (unshare) to mount a read-only folder")
def test_save_on_a_real_read_only_mount(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount --bind {ro} {ro} && "
                            f"mount -o remount,ro,bind {ro} && touch {ro}/x"], capture_output=True, text=True)
    if "Read-only" not in probe.stderr:
        pytest.skip(f"cannot mount a read-only folder here ({probe.stderr.strip()[:80]})")
    target = ro / "model.pt"
    r = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount --bind {ro} {ro} && mount -o remount,ro,bind {ro} "
                        f"&& exec {sys.executable} -c '{_RO_SAVE}' {target}"], capture_output=True, text=True,
                       timeout=300)
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    assert r.stdout.strip() == f"OutputError: {target}: cannot write the checkpoint (read-only file system)", \
        (r.stdout, r.stderr[-500:])
