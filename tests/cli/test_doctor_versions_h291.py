"""doctor names a PyAV or PySide6 older than merstudio works with (h291, a107 findings 1-2): av 12-14.0 failed every
analysis (no av.stream.Disposition) and PySide6 before 6.11.2 crashed the app, while pyproject allowed both and
doctor said "ok". Its oldest versions are pyproject's bounds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from merstudio.cli import doctor

ROOT = Path(__file__).resolve().parents[2]


def _bound(dist: str) -> tuple[int, ...]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    spec = next(d for d in deps if re.match(rf"{re.escape(dist)}\s*>=", d))
    return tuple(int(n) for n in spec.split(">=")[1].split(",")[0].strip().split("."))


def test_the_oldest_versions_are_pyprojects_bounds() -> None:
    assert _bound("av") == doctor.MIN_AV == (17, 1)
    assert _bound("PySide6-Essentials") == doctor.MIN_PYSIDE == (6, 11, 2)


@pytest.mark.parametrize(("version", "status"), [("12.3.0", "FAIL"), ("16.1.0", "FAIL"), ("17.1.0", "ok"),
                                                 ("18.1.1", "ok"), ("18.0.0rc1", "ok")])
def test_pyav_line(monkeypatch: pytest.MonkeyPatch, version: str, status: str) -> None:
    monkeypatch.setattr(doctor, "_dist_version", lambda *names: version if names == ("av",) else None)
    got, detail = doctor._check_av()
    assert got == status and version in detail
    if status == "FAIL":
        assert "pip install 'av>=17.1'" in detail and "\n" not in detail


def test_an_old_pyside_is_named_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    versions = {"PySide6-Essentials": "6.9.3", "pyqtgraph": "0.14.0"}
    monkeypatch.setattr(doctor, "_dist_version", lambda *names: versions.get(names[0]))
    status, detail = doctor._check_qt()
    assert status == "FAIL"
    assert "PySide6-Essentials 6.9.3 is older than 6.11.2" in detail
    assert "pip install 'PySide6-Essentials>=6.11.2'" in detail
    versions["PySide6-Essentials"] = "6.11.2"
    assert doctor._check_qt() == ("ok", "PySide6 6.11.2, pyqtgraph 0.14.0")
