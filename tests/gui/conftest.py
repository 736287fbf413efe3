"""GUI test fixtures: offscreen Qt, a small real video, a fake analysis that streams rows like the pipeline."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2  # noqa: E402, F401  (imported before Qt, as in the app: it sets QT_QPA_PLATFORM_PLUGIN_PATH)
import pytest  # noqa: E402
from gui_fixtures import FakeAnalysis, shown_window, write_video  # noqa: E402


@pytest.fixture(scope="session")
def qapp():
    """pytest-qt's QApplication, made by the app's own factory (clears cv2's Qt5 plugin path)."""
    from PySide6.QtCore import QStandardPaths

    from merstudio.gui.app import make_app

    QStandardPaths.setTestModeEnabled(True)  # never touch the user's real app data
    return make_app(["merstudio-tests"])


@pytest.fixture(autouse=True)
def _patient_open(request, monkeypatch):
    """A video's open waits up to 20 s for its worker (the app: 250 ms, then it goes on in the background): a test
    that uses a video right after opening it does not hang on a loaded machine's speed. Tests of the background
    path ask for ``open_grace`` (the app's)."""
    if "open_grace" not in request.fixturenames:
        from merstudio.gui import video_opening

        monkeypatch.setattr(video_opening, "GRACE_MS", 20_000)


@pytest.fixture(autouse=True)
def _patient_load(request, monkeypatch):
    """A video's stored curves are waited for up to 20 s (the app: 150 ms, then they come in the background), so a
    test reading them right after a switch or a face merge does not depend on a loaded machine's speed. Tests of the
    background path ask for ``load_grace`` (the app's)."""
    if "load_grace" not in request.fixturenames:
        from merstudio.gui import analysis_control

        monkeypatch.setattr(analysis_control, "LOAD_GRACE_MS", 20_000)


@pytest.fixture
def load_grace():
    """The app's wait for a video's stored curves (analysis_control.LOAD_GRACE_MS) instead of the tests' 20 s."""
    from merstudio.gui import analysis_control

    return analysis_control.LOAD_GRACE_MS


@pytest.fixture
def open_grace():
    """The app's wait for a video's open (video_opening.GRACE_MS) instead of the tests' 20 s: the opens and index
    passes a test holds longer go on in the background, as in the app."""
    from merstudio.gui import video_opening

    return video_opening.GRACE_MS


@pytest.fixture(scope="session")
def _master_video(tmp_path_factory):
    return write_video(tmp_path_factory.mktemp("video") / "clip.avi")


@pytest.fixture
def video_path(_master_video, tmp_path):
    """A fresh copy per test: the project made beside it must not carry over between tests."""
    import shutil

    (tmp_path / "media").mkdir()
    return Path(shutil.copy(_master_video, tmp_path / "media" / "clip.avi"))


@pytest.fixture
def fake_analysis():
    FakeAnalysis.gate = None
    FakeAnalysis.fail_at = None
    FakeAnalysis.occluded = None
    yield FakeAnalysis
    if FakeAnalysis.gate is not None:
        FakeAnalysis.gate.set()
    FakeAnalysis.gate = None
    FakeAnalysis.fail_at = None
    FakeAnalysis.occluded = None


@pytest.fixture
def qsettings(tmp_path):
    from PySide6.QtCore import QSettings

    s = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    s.setValue("coder", "tester")
    return s


@pytest.fixture
def window(qtbot, qsettings, fake_analysis):
    win = shown_window(qtbot, qsettings)
    yield win
    if FakeAnalysis.gate is not None:
        FakeAnalysis.gate.set()  # a failed test must not leave the worker parked at the gate
    win.shutdown()


def settings_obj():
    """Pipeline settings without importing the pipeline (the fake ignores them)."""
    return {"landmarks": True}


@pytest.fixture
def app_pt(qapp):
    """A setter of the application font's point size for one test, the font put back after (the session shares
    one QApplication)."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    old = QApplication.font()

    def set_pt(pt: float) -> None:
        f = QFont(old)
        f.setPointSizeF(pt)
        QApplication.setFont(f)

    yield set_pt
    QApplication.setFont(old)


@pytest.fixture(params=[16, 20])
def big_app_font(app_pt, request):
    """The application font at 16, then 20 pt (a coder's enlarged system font) for the test, then back."""
    app_pt(float(request.param))
    return request.param


@pytest.fixture
def big_font(qapp):
    """The application font at 16 pt (a laptop user's enlarged font) for the test, then back."""
    from PySide6.QtWidgets import QApplication

    old = QApplication.font()
    f = QApplication.font()
    f.setPointSizeF(16.0)
    QApplication.setFont(f)
    yield f
    QApplication.setFont(old)


@pytest.fixture
def copies(tmp_path):
    """(alice's A, bob's B): support.merge_copies.two_copies on a real 600-frame video the app opens."""
    from gui_fixtures import FPS, H, W
    from support.merge_copies import two_copies

    assert FPS == 30.0  # as study() adds the video
    return two_copies(tmp_path / "copies", write_video(tmp_path / "src.avi", n=600), (W, H))


@pytest.fixture
def alice_and_bob(window, video_path):
    """The window on a video alice and bob coded: one event each, matching (frames 10-12-15 and 11-12-16)."""
    from merstudio.gui import commands as C
    from merstudio.project import Event

    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    vid = win.video.id
    win.project.add_events([Event(vid, 10, 12, 15, emotion="positive", coder="alice"),
                            Event(vid, 11, 12, 16, emotion="positive", coder="bob")])
    win.coding.reload()
    return win


@pytest.fixture
def three_events(window, video_path):
    """The window on the test video with three events made through NewEvent (frames 5-9, 20-24, 40-44): three undo
    steps."""
    from merstudio.gui import commands as C

    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    for on in (5, 20, 40):
        assert window.ctx.execute(C.NewEvent, onset=on, apex=on + 1, offset=on + 4)
    return window


@pytest.fixture(params=["de_DE", "en_US"])
def locale(request):
    """The app's locale (as LANG sets it) for the dialogs made in the test: German (decimal comma, `.` groups
    thousands) and US English; the one before restored after."""
    from PySide6.QtCore import QLocale

    chosen = {"de_DE": QLocale(QLocale.Language.German, QLocale.Country.Germany),
              "en_US": QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)}[request.param]
    before = QLocale()
    QLocale.setDefault(chosen)
    yield chosen
    QLocale.setDefault(before)


@pytest.fixture
def class_project(tmp_path):
    """A project of one video (smile.mp4) with events of the classes negative, positive and surprise, for the
    fine-tuning dialog's tests; closed after."""
    from gui_fixtures import class_coded_project

    project = class_coded_project(tmp_path, ["smile.mp4"], ["negative", "positive", "surprise"])
    yield project
    project.close()

