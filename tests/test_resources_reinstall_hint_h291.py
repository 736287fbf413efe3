"""An installed merstudio missing a bundled file is told to reinstall from the wheel it came from, never by the bare
name (h291, a107 finding 5): `pip install --force-reinstall --no-deps merstudio` asked PyPI for a name merstudio
does not hold there, which anyone could register."""

from __future__ import annotations

import json
from importlib import metadata

import pytest

import merstudio.resources as R

WHEEL = "/srv/lab wheels/merstudio-0.1.0-py3-none-any.whl"


class _Dist:
    def __init__(self, direct_url: dict[str, object] | None) -> None:
        self.text = None if direct_url is None else json.dumps(direct_url)

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return self.text


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(R.ENV_VAR, raising=False)
    monkeypatch.setattr(R, "_is_checkout", lambda: False)  # as from a wheel in site-packages

    def as_from(direct_url: dict[str, object] | None) -> None:
        monkeypatch.setattr(metadata, "distribution", lambda name: _Dist(direct_url))
    return as_from


def test_the_wheel_it_was_installed_from_is_named(installed) -> None:
    installed({"url": "file:///srv/lab%20wheels/merstudio-0.1.0-py3-none-any.whl", "archive_info": {}})
    hint = R.missing_hint()
    assert f"pip install --force-reinstall --no-deps '{WHEEL}'" in hint
    assert "--no-deps merstudio)" not in hint


def test_without_a_record_the_wheel_is_asked_for_not_the_bare_name(installed) -> None:
    installed(None)
    hint = R.missing_hint()
    assert "from the wheel you installed it from" in hint
    assert "--no-deps merstudio-<version>-py3-none-any.whl" in hint and "--no-deps merstudio)" not in hint


def test_a_git_url_keeps_its_vcs(installed) -> None:
    installed({"url": "https://example.org/lab/merstudio.git", "vcs_info": {"vcs": "git", "commit_id": "abc"}})
    assert R.installed_from() == "git+https://example.org/lab/merstudio.git"


def test_not_installed_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "distribution", missing)
    assert R.installed_from() is None
