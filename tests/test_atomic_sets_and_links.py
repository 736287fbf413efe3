"""Outputs written as a set (all or nothing) and outputs that are links, FIFOs, sockets or devices (audit a64)."""

from __future__ import annotations

import errno
import os
import socket
import stat
from pathlib import Path

import pytest

from merstudio import atomic
from merstudio.atomic import atomic_path, ensure_parent, write_text_atomic
from merstudio.errors import OutputError

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets and device nodes are POSIX")


def _fail_after(monkeypatch: pytest.MonkeyPatch, name: str, n: int) -> None:
    """os.<name> fails with ENOSPC from its (n+1)-th call on, as a disk that stays full (a64's inject.py)."""
    orig, calls = getattr(os, name), [0]

    def faulty(*a: object, **k: object) -> object:
        calls[0] += 1
        if calls[0] > n:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return orig(*a, **k)

    monkeypatch.setattr(os, name, faulty)


def _old_set(folder: Path, names: list[str]) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    for n in names:
        (folder / n).write_bytes(f"old {n}\n".encode())
    return {n: (folder / n).read_bytes() for n in names}


def test_a_set_whose_third_rename_fails_keeps_the_old_set_whole(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    names = ["a.csv", "b.csv", "c.csv", "d.txt"]
    before = _old_set(tmp_path / "out", names)
    _fail_after(monkeypatch, "replace", 2)
    with pytest.raises(OutputError) as err:
        atomic.write_set({tmp_path / "out" / n: (lambda t, n=n: t.write_text(f"new {n}\n")) for n in names})
    monkeypatch.undo()
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(str(tmp_path / "out" / "c.csv"))
    assert "No space left on device" in msg and "earlier ones there are kept whole" in msg
    assert {n: (tmp_path / "out" / n).read_bytes() for n in names} == before
    assert sorted(os.listdir(tmp_path / "out")) == names  # no temporary, no kept copy left behind


def test_a_set_whose_second_write_fails_replaces_nothing(tmp_path: Path) -> None:
    names = ["a.csv", "b.csv", "c.csv"]
    before = _old_set(tmp_path, names)

    def full(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp))

    writers = {tmp_path / "a.csv": lambda t: t.write_text("new"), tmp_path / "b.csv": full,
               tmp_path / "c.csv": lambda t: t.write_text("new")}
    with pytest.raises(OutputError, match=r"b\.csv: cannot write \(No space left on device\); this run's files"):
        atomic.write_set(writers)
    assert {n: (tmp_path / n).read_bytes() for n in names} == before
    assert sorted(os.listdir(tmp_path)) == names


def test_a_new_set_that_fails_leaves_no_part_of_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_after(monkeypatch, "replace", 1)
    with pytest.raises(OutputError, match="none of this run's files was written"):
        atomic.write_set({tmp_path / "a.csv": lambda t: t.write_text("1"), tmp_path / "b.csv": lambda t: t.write_text("2")})
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_a_set_written_whole(tmp_path: Path) -> None:
    _old_set(tmp_path, ["a.csv"])
    out = atomic.write_set({tmp_path / "a.csv": lambda t: t.write_text("new a"),
                            tmp_path / "sub" / "b.png": lambda t: t.write_bytes(t.suffix.encode())})
    assert out == [tmp_path / "a.csv", tmp_path / "sub" / "b.png"]
    assert (tmp_path / "a.csv").read_text() == "new a"
    assert (tmp_path / "sub" / "b.png").read_text() == ".png"  # a writer that picks the format by name finds it
    assert sorted(os.listdir(tmp_path)) == ["a.csv", "sub"]


@posix_only
def test_a_symlink_output_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "events.eaf"
    target.write_text("old")
    link = tmp_path / "link.eaf"
    link.symlink_to("real/events.eaf")
    write_text_atomic(link, "new")
    assert link.is_symlink() and os.readlink(link) == "real/events.eaf"
    assert target.read_text() == "new"
    assert sorted(os.listdir(tmp_path / "real")) == ["events.eaf"]


@posix_only
def test_a_dangling_symlink_output_makes_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "made.csv")
    with atomic_path(link) as tmp:
        tmp.write_text("x")
    assert link.is_symlink() and (tmp_path / "made.csv").read_text() == "x"


@posix_only
def test_a_set_member_that_is_a_symlink_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "keep.csv").write_text("old")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.csv").symlink_to(tmp_path / "keep.csv")
    atomic.write_set({tmp_path / "out" / "a.csv": lambda t: t.write_text("new")})
    assert (tmp_path / "out" / "a.csv").is_symlink() and (tmp_path / "keep.csv").read_text() == "new"


def _special(kind: str, path: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(path))
        s.close()
    else:
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a null device node, in the test's own folder


@posix_only
@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
@pytest.mark.parametrize("through_link", [False, True])
def test_a_fifo_socket_or_device_output_is_refused_and_kept(tmp_path: Path, kind: str, through_link: bool) -> None:
    node = tmp_path / "n"
    _special(kind, node)
    mode = os.lstat(node).st_mode
    out = node
    if through_link:
        out = tmp_path / "out.csv"
        out.symlink_to(node)
    with pytest.raises(OutputError, match=rf"^{out}: cannot write \(it is a .*; results are written to regular"):
        write_text_atomic(out, "x")
    with pytest.raises(OutputError, match="regular files only"):
        ensure_parent(out)  # what commands call before their work
    with pytest.raises(OutputError, match="regular files only"):
        atomic.write_set({tmp_path / "fine.csv": lambda t: t.write_text("x"), out: lambda t: t.write_text("x")})
    assert os.lstat(node).st_mode == mode  # still the FIFO, socket or device
    assert not (tmp_path / "fine.csv").exists()
    assert sorted(os.listdir(tmp_path)) == sorted(["n", *(["out.csv"] if through_link else [])])
