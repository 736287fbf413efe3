"""`merstudio convert IN OUT` with the video the file names: a variable-rate video that is here places the
file's times on its own frame times, as --media does (it converted at the nominal rate before, silently)."""

from __future__ import annotations

import csv
import warnings

from merstudio.cli.main import main
from merstudio.interchange import Media, write_eaf
from merstudio.project import Event


def test_the_named_variable_rate_video_is_used_when_it_is_here(tmp_path, capsys):
    from support.vfr_clips import times, write_vfr_clip

    clip = write_vfr_clip(tmp_path / "phone.mp4")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the source's "variable frame rate" warning
        from merstudio.io import open_source

        with open_source(clip) as src:
            nominal, real = src.fps, src.timestamps
    eaf = write_eaf([Event(0, 45, 47, 50, emotion="happiness", coder="ann")], tmp_path / "phone.eaf",
                    Media(str(clip), fps=nominal, times=real))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["convert", str(eaf), str(tmp_path / "named.tsv")]) == 0
    err = capsys.readouterr().err
    assert "phone.mp4 (the video the file names) has a variable frame rate" in err
    row = next(csv.DictReader((tmp_path / "named.tsv").open(newline="", encoding="utf-8"), delimiter="\t"))
    assert (row["Start frame"], row["Apex frame"], row["Stop frame"]) == ("45", "47", "50")
    assert row["Start (s)"] == f"{round(times()[45] * 1000) / 1000:.3f}" == "1.606"
