"""One helper says what failed (merstudio.gui.failures.failure_line): a MerstudioError's own message, in one line and
without a traceback (it names the file and the reason); anything else, a bug, its type and text, with the traceback
in the log for whoever fixes it."""

from __future__ import annotations

import logging

from merstudio.errors import InputError
from merstudio.gui.failures import failure_line


def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - a caught exception carries its traceback
        return caught


def test_a_merstudio_error_is_its_own_line_and_logs_no_traceback(caplog):
    with caplog.at_level(logging.ERROR):
        line = failure_line("summary export", _raised(InputError("clip.avi: cannot be read\n  (moov atom missing)")))
    assert line == "clip.avi: cannot be read (moov atom missing)"
    assert not caplog.records


def test_a_bug_says_what_failed_and_logs_its_traceback(caplog):
    with caplog.at_level(logging.ERROR):
        line = failure_line("a.pt: loading the checkpoint", _raised(KeyError("state_dict")))
    assert line == "a.pt: loading the checkpoint failed (KeyError: 'state_dict')"
    [record] = caplog.records
    assert record.exc_info is not None and "test_failures.py" in caplog.text and "Traceback" in caplog.text
