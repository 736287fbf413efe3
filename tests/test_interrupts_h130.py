"""After a Ctrl-C under a watch (every command but the app) no output is moved into place, whatever became of the
KeyboardInterrupt: numpy 2.4's np.char.mod and pandas' C parser drop it, and code that swallows it (`except
BaseException: pass`) keeps it from stopping the command. The Ctrl-Cs here are real SIGINTs sent to this process
(only while the watch's handler is installed) or the handler called as the signal would call it."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from support.interrupt import swallowed_ctrl_c

from merstudio import interrupts
from merstudio.atomic import atomic_path, write_set, write_text_atomic

pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="a watch is installed in the main thread only (signals go there)")

OLD = "the result of an earlier run\n"


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_swallowed_ctrl_c_leaves_an_existing_output_as_it_was(tmp_path: Path):
    out = tmp_path / "result.csv"
    out.write_text(OLD)
    with interrupts.watched() as watch:
        swallowed_ctrl_c()
        assert watch.received
        with pytest.raises(KeyboardInterrupt):
            write_text_atomic(out, "frame,AU12_r\n0,1.5\n")
    assert out.read_text() == OLD
    assert _temporaries(tmp_path) == []


def test_no_new_output_appears_after_a_ctrl_c(tmp_path: Path):
    out = tmp_path / "new.csv"
    with interrupts.watched():
        with pytest.raises(interrupts.Interrupted):
            interrupts._on_sigint(signal.SIGINT, None)  # the handler, as the signal calls it
        with pytest.raises(KeyboardInterrupt), atomic_path(out) as tmp:
            tmp.write_text("written after the Ctrl-C\n")
    assert list(tmp_path.iterdir()) == []


def test_a_set_is_not_replaced_after_a_ctrl_c(tmp_path: Path):
    names = ("predictions.csv", "metrics.json")
    for n in names:
        (tmp_path / n).write_text(f"old {n}\n")
    with interrupts.watched():
        swallowed_ctrl_c()
        with pytest.raises(KeyboardInterrupt):
            write_set({tmp_path / n: (lambda p, n=n: p.write_text(f"new {n}\n")) for n in names})
    assert [(tmp_path / n).read_text() for n in names] == [f"old {n}\n" for n in names]
    assert _temporaries(tmp_path) == []


def test_a_ctrl_c_between_the_renames_of_a_set_puts_the_first_back(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch):
    """The Ctrl-C lands during the first rename and is dropped there (received, no exception), as in C code."""
    names = ("a.csv", "b.csv")
    for n in names:
        (tmp_path / n).write_text(f"old {n}\n")
    replace, renames = os.replace, []

    def rename_then_ctrl_c(src: object, dst: object) -> None:
        replace(src, dst)
        renames.append(dst)
        if len(renames) == 1 and interrupts._current is not None:
            interrupts._current.received = True

    with interrupts.watched():
        monkeypatch.setattr(os, "replace", rename_then_ctrl_c)
        with pytest.raises(KeyboardInterrupt):
            write_set({tmp_path / n: (lambda p, n=n: p.write_text(f"new {n}\n")) for n in names})
        monkeypatch.undo()
    assert [(tmp_path / n).read_text() for n in names] == ["old a.csv\n", "old b.csv\n"]
    assert _temporaries(tmp_path) == []


def test_without_a_watch_writes_go_on(tmp_path: Path):
    """The app and library callers: no watch, nothing refused (one that ended, its Ctrl-C received, neither)."""
    out = tmp_path / "result.csv"
    out.write_text(OLD)
    with interrupts.watched():
        swallowed_ctrl_c()
    write_text_atomic(out, "new\n")
    assert out.read_text() == "new\n"
    assert signal.getsignal(signal.SIGINT) is not interrupts._on_sigint  # the handler before it is back
