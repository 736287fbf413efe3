"""Help > About names the bundled licences where this installation keeps them (`resources_dir()`: a checkout's
resources/, an installed package's merstudio/_resources, $MERSTUDIO_RESOURCES), not a checkout-relative
resources/... that an installed package does not have."""

from __future__ import annotations

from pathlib import Path

import merstudio.resources as R
from merstudio.gui.help import about_text


def test_about_shows_the_folder_this_installation_reads(tmp_path, monkeypatch):
    folder = tmp_path / "R&D copy"  # an & shown as itself in rich text
    monkeypatch.setenv(R.ENV_VAR, str(folder))
    text = about_text()
    shown = str(folder).replace("&", "&amp;")
    assert f"{shown}/models/LICENSE-MediaPipe-Apache-2.0.txt" in text, text
    assert f"{shown}/demo/LICENSE.md" in text


def test_about_names_the_licence_file_that_is_there(monkeypatch):
    monkeypatch.delenv(R.ENV_VAR, raising=False)
    text = about_text()
    shown = Path(text.split("Apache-2.0; ", 1)[1].split(")", 1)[0])
    assert shown.is_absolute() and shown.is_file() and shown.name == "LICENSE-MediaPipe-Apache-2.0.txt", shown
