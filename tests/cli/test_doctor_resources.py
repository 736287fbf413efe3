"""`merstudio doctor` checks the bundled resources `merstudio demo` and the app need: a missing demo clip fails (it
passed while `demo` failed on an installed package that shipped none), a missing starter checkpoint warns."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from merstudio.cli.main import main
from merstudio.resources import resources_dir


def _resources_without(tmp_path: Path, *missing: str) -> Path:
    copy = tmp_path / "resources"
    shutil.copytree(resources_dir(), copy)
    for rel in missing:
        (copy / rel).unlink()
    return copy


def _line(out: str, what: str) -> str:
    return next(ln for ln in out.splitlines() if ln.split()[1:3] == what.split())


def test_doctor_fails_without_the_demo_clip(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    copy = _resources_without(tmp_path, "demo/interview.mp4")
    monkeypatch.setenv("MERSTUDIO_RESOURCES", str(copy))
    assert main(["doctor", "-q"]) == 1
    out = capsys.readouterr().out
    line = _line(out, "demo clip")
    assert line.split()[0] == "FAIL" and str(copy / "demo" / "interview.mp4") in line, line
    assert "essential check(s) failed: demo clip" in out


def test_doctor_reports_the_demo_and_warns_without_the_starter(capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    import cv2

    copy = _resources_without(tmp_path, "models/starter.pt")
    monkeypatch.setenv("MERSTUDIO_RESOURCES", str(copy))
    cap = cv2.VideoCapture(str(copy / "demo" / "interview.mp4"))  # the clip's own header, read by OpenCV
    frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    cap.release()
    main(["doctor", "-q"])
    out = capsys.readouterr().out
    demo = _line(out, "demo clip")
    assert demo.split()[0] == "ok" and f"{frames} frames" in demo, demo
    starter = _line(out, "starter model")
    assert starter.split()[0] == "warn" and "starter.pt missing" in starter and "class confidence" in starter
    assert "starter model" not in out.splitlines()[-1]  # not among the essential failures
