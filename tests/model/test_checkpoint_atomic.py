"""save_checkpoint goes through merstudio.atomic.atomic_path: a failed save leaves the previous checkpoint intact
and no temporary; a folder that cannot be written is called read-only or not permitted, whichever it is."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

import merstudio.atomic as atomic
from merstudio.errors import OutputError
from merstudio.model import MENet, ModelConfig, load_checkpoint, save_checkpoint


def _model(seed: int) -> MENet:
    import torch

    torch.manual_seed(seed)
    return MENet(ModelConfig(width=4, mswm_width=8, local_dim=4, lstm_hidden=8))


def _fail_replace(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def replace(src, dst, *a, **kw):
        seen.append(Path(dst).name)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", replace)
    return seen


def test_failed_save_keeps_the_old_checkpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save_checkpoint(tmp_path / "m.pt", _model(0), {"note": "old"})
    before = path.read_bytes()
    seen = _fail_replace(monkeypatch)
    with pytest.raises(OutputError, match=r"m\.pt: cannot write the checkpoint \(Input/output error\)"):
        save_checkpoint(path, _model(1), {"note": "new"})
    monkeypatch.undo()
    assert seen == ["m.pt"]
    assert path.read_bytes() == before
    assert load_checkpoint(path)[1]["note"] == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]  # no temporary left


def test_failed_first_save_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_replace(monkeypatch)
    with pytest.raises(OutputError):
        save_checkpoint(tmp_path / "m.pt", _model(0))
    assert list(tmp_path.iterdir()) == []


def test_save_honours_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        path = save_checkpoint(tmp_path / "m.pt", _model(0))
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o640  # not mkstemp's 0600


@pytest.mark.skipif(not hasattr(os, "statvfs"), reason="os.statvfs is POSIX only")
@pytest.mark.parametrize(("read_only", "words", "other"), [(True, "read-only file system", "no permission"),
                                                           (False, "no permission", "read-only")])
def test_unwritable_folder_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_only: bool, words: str,
                                    other: str) -> None:
    real_statvfs = os.statvfs
    monkeypatch.setattr(atomic.os, "access", lambda *a, **kw: False)
    monkeypatch.setattr(atomic.os, "statvfs", lambda p: SimpleNamespace(
        f_flag=(real_statvfs(p).f_flag | os.ST_RDONLY) if read_only else (real_statvfs(p).f_flag & ~os.ST_RDONLY)))
    with pytest.raises(OutputError) as info:
        save_checkpoint(tmp_path / "m.pt", _model(0))
    msg = str(info.value)
    assert msg.startswith(f"{tmp_path / 'm.pt'}: cannot write the checkpoint (") and words in msg and other not in msg
    with pytest.raises(OutputError, match=rf"x\.csv: cannot write \({words}"):
        with atomic.atomic_path(tmp_path / "x.csv"):
            pass
