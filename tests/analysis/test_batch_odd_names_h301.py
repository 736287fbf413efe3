"""`merstudio analyze` of an archive holding a file whose name's bytes are no UTF-8 (an old Windows zip's
b'Gespr\\xe4ch.avi'; h301, audit a111 finding 4): that input is one failed row, named `\\xe4` in the manifest and
the message, and the rest of the batch completes (the manifest's first write raised UnicodeEncodeError: exit 2, a
line naming no file, nothing analysed); a frame folder holding such an image is one line naming the folder and the
image (was a raw UnicodeEncodeError; past the hash, OpenCV's binding crashed on the name)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import cv2
import numpy as np
from support.clips import write_clip

from merstudio.cli.main import main


def _odd(folder: Path, name: bytes) -> Path:
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + name))


def test_an_odd_name_is_one_failed_row_and_the_rest_completes(tmp_path: Path, capsys, monkeypatch) -> None:
    archive = tmp_path / "archive"
    (archive / "sub").mkdir(parents=True)
    write_clip(archive / "sub" / "ok.avi", n=4)
    write_clip(archive / "tmp.avi", n=4)
    (archive / "tmp.avi").rename(_odd(archive, b"Gespr\xe4ch.avi"))
    out = tmp_path / "out"
    code = main(["analyze", str(archive), "-o", str(out), "-q"])
    err = capsys.readouterr().err
    shown = f"{archive}/Gespr\\xe4ch.avi"
    assert code != 0 and (out / "ok.csv").is_file(), err  # the good one analysed
    rows = {r["video"]: r for r in csv.DictReader((out / "manifest.csv").open(encoding="utf-8"))}
    assert rows[str(archive / "sub" / "ok.avi")]["status"] == "done"
    assert rows[shown]["status"] == "failed" and rows[shown]["error"].startswith(f"{shown}: its name is not UTF-8")
    assert f"merstudio: error: {shown}: its name is not UTF-8 text" in err and "rename it" in err, err
    # the last line names it as the manifest does, not by its surrogate escape
    assert err.strip().splitlines()[-1] == f"merstudio: 1 of 2 inputs failed: {shown}", err

    def refuse(*args, **kwargs):
        raise AssertionError("analysed again")

    monkeypatch.setattr("merstudio.analysis.batch.analyze_file", refuse)
    main(["analyze", str(archive), "-o", str(out), "-q"])  # a rerun: the same two rows, the failed one skipped
    capsys.readouterr()
    again = [r["video"] for r in csv.DictReader((out / "manifest.csv").open(encoding="utf-8"))]
    assert sorted(again) == sorted(rows), again


def test_a_frame_folder_with_an_odd_image_name_is_one_line(tmp_path: Path, capsys) -> None:
    clip = tmp_path / "clip"
    clip.mkdir()
    for i in range(3):
        cv2.imwrite(str(clip / f"img{i}.png"), np.full((48, 64, 3), 90 + i, np.uint8))
    (clip / "img2.png").rename(_odd(clip, b"img2_\xe4.png"))
    code = main(["analyze", str(clip), "-o", str(tmp_path / "out"), "-q", "--fps", "30"])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1, lines
    assert lines[0].startswith(f"merstudio: error: {clip}: image img2_\\xe4.png: its name is not UTF-8 text"), lines
