"""A video's name may be up to 255 bytes; a result's working files add up to 27 (`.previous.spots.partial.csv`).
`analyze` on a legal long name made `<name>.spots.partial.csv: File name too long` (exit 3) though the video's
own name fitted: its result is named by the name cut short on a character, with a hash of the whole name."""

from __future__ import annotations

import os

import pandas as pd
from support.cli_run import run, tiny_video


def test_a_255_byte_video_name_is_analysed_under_a_name_that_fits(tmp_path, capsys):
    stem = "Proband " + "ü" * 115 + " Gespräch 07"  # 8 + 230 + 13 bytes, + ".avi": 255, the most a name may be
    video = tiny_video(tmp_path / f"{stem}.avi", n=12)
    assert len(os.fsencode(video.name)) == 255
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "analyze", video, "-o", out, "-q")
    assert code == 0, err
    (csv,) = [p for p in out.glob("*.csv") if not p.name.endswith(".spots.csv")]
    assert len(os.fsencode(csv.name)) <= 255 - 32 + len(".csv")
    assert csv.name.startswith("Proband üü") and "~" in csv.name  # readable start, the hash after the cut
    assert len(pd.read_csv(csv)) == 12
    assert (out / (csv.name[: -len(".csv")] + ".spots.csv")).is_file()
    # a second video of the same long start but another ending gets another name (the hash is of the whole name)
    other = tiny_video(tmp_path / f"{stem[:-2]}08.avi", n=12)
    code, _, err = run(capsys, "analyze", other, "-o", out, "-q")
    assert code == 0, err
    assert len([p for p in out.glob("*.csv") if not p.name.endswith(".spots.csv")]) == 2
