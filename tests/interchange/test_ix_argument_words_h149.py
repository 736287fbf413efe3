"""The library's messages that give advice name the argument a caller passes as well as the CLI's flag
("fps_override=True / --force-fps"), as the ones asking for a rate do ("fps=30 / --fps 30")."""

from __future__ import annotations

import pandas as pd
import pytest
from ix_helpers import sample_events

from merstudio.errors import FrameRateMismatch, InputError
from merstudio.interchange import Media, read_events_csv, write_events_csv
from merstudio.interchange.au_tables import read_au_table, write_au_table
from merstudio.interchange.common import fps_mismatch
from merstudio.interchange.pyfeat import write_pyfeat


def test_a_file_at_another_rate_names_fps_override(tmp_path):
    path = write_events_csv(sample_events(), tmp_path / "e.csv", Media("clip.mp4", fps=25.0))
    with pytest.raises(FrameRateMismatch) as exc:
        read_events_csv(path, fps=30.0)
    assert str(exc.value).endswith("; fps_override=True / --force-fps converts the file's times at the video's rate")


def test_times_off_a_variable_rate_name_fps_override():
    msg = str(fps_mismatch("e.csv", 30.0, 30.0))
    assert msg.endswith("or fps_override=True / --force-fps places each event by its times"), msg


def _frames() -> pd.DataFrame:
    return pd.DataFrame({"frame": [0, 1], "face_id": [0, 0], "timestamp": [0.0, 0.04], "success": [1, 1],
                         "confidence": [0.9, 0.9], "AU12_r": [1.0, 2.0]})


def test_pyfeat_note_and_openface_refusal_name_the_arguments(tmp_path):
    note = write_pyfeat(_frames(), tmp_path / "f.csv")
    assert "(no timestamps: give the rate when reading it back, fps= / --fps)" in note
    table = read_au_table(tmp_path / "f.csv", "pyfeat", fps=25.0)
    with pytest.raises(InputError) as exc:
        write_au_table(table, tmp_path / "of.csv", "openface")
    assert "(kind='pyfeat' / --to pyfeat)" in str(exc.value) and "(kind='openface' / --to openface)" in str(exc.value)
    assert not (tmp_path / "of.csv").exists()
