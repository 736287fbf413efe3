"""A missing blendshape model says how to get it back for the installation that runs: an installed package's
message named resources/models, a folder only a checkout has."""

from __future__ import annotations

import pytest

import merstudio.resources as R
from merstudio.face import blendshapes as bs


def test_an_installed_package_is_told_to_reinstall(tmp_path, monkeypatch):
    monkeypatch.delenv(R.ENV_VAR, raising=False)
    monkeypatch.setattr(R, "_is_checkout", lambda: False)  # as from a wheel in site-packages
    with pytest.raises(bs.BlendshapeModelError) as err:
        bs.BlendshapeModel(tmp_path / "face_blendshapes.npz")
    text = str(err.value)
    assert "blendshape model missing" in text and "pip install --force-reinstall --no-deps merstudio" in text
    assert "resources/models)" not in text and "git checkout" not in text


def test_a_checkout_is_told_to_restore_resources(tmp_path, monkeypatch):
    monkeypatch.delenv(R.ENV_VAR, raising=False)
    monkeypatch.setattr(R, "_is_checkout", lambda: True)
    with pytest.raises(bs.BlendshapeModelError, match=r"git checkout -- resources"):
        bs.BlendshapeModel(tmp_path / "face_blendshapes.npz")


def test_a_resources_folder_set_by_the_environment_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv(R.ENV_VAR, str(tmp_path))
    with pytest.raises(bs.BlendshapeModelError, match=f"{R.ENV_VAR}={tmp_path}: point it at a complete copy"):
        bs.BlendshapeModel()
