"""Shared fixtures. tests/ is on sys.path (this file's folder), so tests import helpers from tests/support."""

from __future__ import annotations

import signal
import sys
import threading
import weakref

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_threads: the test may leave threads running (checked otherwise)")


# Daemon threads that libraries start once per process and keep on purpose (not leaks of the code under test).
# tqdm's monitor is "tqdm_monitor" in tqdm 4.60 and later ("TMonitor" before): a bar a test creates outside the
# commands (which set monitor_interval = 0) starts it, and it sleeps up to 10 s after the last bar closes
_KNOWN_DAEMONS = ("TMonitor", "tqdm_monitor", "pydevd", "QDBusConnection")


@pytest.fixture(autouse=True)
def no_thread_leaks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Fail a test that leaves a threading.Thread or a QThread running (as napari does): a leaked worker keeps
    decoding or writing after its test ended and breaks the next one, or hangs the run at exit."""
    if request.node.get_closest_marker("allow_threads"):
        yield
        return
    before = set(threading.enumerate())
    qthreads: list[weakref.ref] = []
    if "PySide6.QtCore" in sys.modules:  # only GUI tests: never import Qt for the core's tests
        from PySide6.QtCore import QThread

        original = QThread.start

        def start(self, *args, **kwargs):
            qthreads.append(weakref.ref(self))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(QThread, "start", start)
    yield
    leaked = []
    for t in set(threading.enumerate()) - before:
        if isinstance(t, threading._DummyThread) or (t.daemon and t.name.startswith(_KNOWN_DAEMONS)):
            continue
        t.join(timeout=2.0)  # a thread that is finishing anyway gets a moment; this is not a timing check
        if t.is_alive():
            leaked.append(f"thread {t.name!r}")
    for ref in qthreads:
        qt = ref()
        try:
            running = qt is not None and qt.isRunning()
        except RuntimeError:  # the C++ object is gone, so the thread is too
            running = False
        if running:
            qt.wait(2000)
            if qt.isRunning():
                leaked.append(f"QThread {type(qt).__name__}")
    if leaked:
        pytest.fail("test left running: " + ", ".join(leaked), pytrace=False)


@pytest.fixture
def sighup_delivered():
    """SIGHUP at its default disposition for the test: a suite run under `nohup` (or a CI runner that ignores it)
    passes SIGHUP ignored to every process, and merstudio rightly leaves an ignored SIGHUP ignored; a test of what
    a closed terminal's SIGHUP does needs it delivered."""
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, old)
