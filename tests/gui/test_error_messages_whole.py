"""A command's error (a MerstudioError) is shown whole: the reason comes after the paths it names, so a message cut
to a length lost it (a 210-character path, named twice, stopped before "is a file, not a folder"). A bug's message
stays bounded, its traceback in the log."""

from __future__ import annotations

import logging

import pytest

from merstudio.errors import OutputError
from merstudio.gui import commands as C
from merstudio.gui.failures import failure_line

pytestmark = pytest.mark.gui


def _long_path(base, length: int = 210):
    """A path of ``length`` characters under ``base``: folders with spaces (as a synced drive's), then a file name
    padded to fit; its "exports" folder is a file."""
    deep = base / "OneDrive - University of Somewhere" / "Lab shared" / "Micro-expression study 2026"
    deep.mkdir(parents=True)
    (deep / "exports").write_text("oops, a file")
    stem = str(deep / "exports" / "participant_017_")
    target = deep / "exports" / ("participant_017_" + "x" * (length - len(stem) - 4) + ".csv")
    assert len(str(target)) == length
    return target


def test_a_long_paths_error_is_shown_whole_with_its_reason(window, video_path, tmp_path):
    target = _long_path(tmp_path)
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.ctx.execute(C.NewEvent, onset=3, offset=9, emotion="positive", aus="6+12")
    assert not window.ctx.execute(C.Export, kind="events_csv", path=str(target))
    [message] = window.errors
    assert message.startswith(str(target)) and message.endswith("is a file, not a folder)")
    assert "..." not in message and len(message) > 300
    assert window._error_box is not None and window._error_box.text() == message


def test_a_merstudio_error_is_whole_and_a_bugs_text_is_bounded(caplog):
    reason = "x" * 500 + ": is a file, not a folder"
    assert failure_line("export", OutputError(reason)) == reason
    with caplog.at_level(logging.ERROR):
        line = failure_line("export", ValueError("y" * 5000))
    assert line.startswith("export failed (ValueError: yyy") and len(line) <= 300
    assert caplog.records
