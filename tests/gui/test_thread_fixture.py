"""The shared fixture in tests/conftest.py fails a test that leaves a thread or a QThread running."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

LEAKY = '''
import threading, time
import pytest

stop = threading.Event()

def test_leaks_a_thread():
    threading.Thread(target=stop.wait, name="leaky-worker").start()

def test_leaks_a_qthread(qtbot):
    from PySide6.QtCore import QThread
    class T(QThread):
        def run(self):
            stop.wait()
    t = T()
    t.start()
    test_leaks_a_qthread.keep = t

def test_clean_thread():
    t = threading.Thread(target=lambda: None)
    t.start()
    t.join()

def teardown_module():
    stop.set()
'''


def test_fixture_fails_leaking_tests(tmp_path):
    root = Path(__file__).resolve().parents[1]
    shutil.copy(root / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_leaky.py").write_text(LEAKY)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "-o", "qt_api=pyside6", "--rootdir", str(tmp_path), str(tmp_path)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    out = proc.stdout + proc.stderr
    assert "test left running: thread 'leaky-worker'" in out
    assert "test left running: QThread T" in out
    assert "3 passed, 2 errors" in out, out  # the leaks error at teardown; the clean test is untouched
