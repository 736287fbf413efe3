"""A video named like the output folder's own files (a115 finding 1, h317): `manifest.mp4` in a batch had its claim
(`manifest.lock`) be the batch's own ("another merstudio analyze is writing this result") and alone wrote its rows
as `manifest.csv`, so every later batch into the folder was refused; in a spotting run, `spotting.mp4`'s rows were
overwritten by the report `spotting.csv`. Such an input gets its whole file name, and the run says why. A file of a
result's name that is no result (a coder's interview.csv) is never replaced, --overwrite or not (finding 2)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.analysis import batch as B
from merstudio.analysis import spotting_eval
from merstudio.analysis.files import (
    MANIFEST_NAME,
    REPORT_NAME,
    folder_file_name,
    output_names,
    output_paths,
    prepare_output_dir,
)
from merstudio.cli.main import main
from merstudio.errors import OutputError


def test_the_folder_files_names_are_the_ones_batch_and_spotting_write() -> None:
    assert B.MANIFEST == f"{MANIFEST_NAME}.csv"
    assert spotting_eval.REPORT_CSV == f"{REPORT_NAME}.csv" and spotting_eval.REPORT_MD == f"{REPORT_NAME}.md"


def test_no_result_is_named_manifest_or_spotting(tmp_path: Path) -> None:
    (tmp_path / "in" / "manifest").mkdir(parents=True)
    inputs = [tmp_path / "in" / n for n in ("manifest.mp4", "Spotting.AVI", "manifest", "other.mp4")]
    for p in inputs[:2] + inputs[3:]:
        p.write_bytes(b"x")
    names = output_names(inputs, tmp_path / "out")
    assert names == ["manifest.mp4", "Spotting.AVI", "in_manifest", "other"], names
    assert not any(folder_file_name(n) for n in names)


def test_a_batch_of_manifest_mp4_analyses_it_beside_the_manifest(tmp_path: Path, capsys) -> None:
    archive = tmp_path / "in"
    archive.mkdir()
    write_clip(archive / "manifest.avi", n=3)
    write_clip(archive / "other.avi", n=3)
    out = tmp_path / "out"
    code = main(["analyze", str(archive), "-o", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == 0, err
    rows = {Path(r["video"]).name: r for r in csv.DictReader((out / "manifest.csv").open(encoding="utf-8"))}
    assert rows["manifest.avi"]["status"] == "done" and rows["manifest.avi"]["output"] == "manifest.avi", rows
    assert (out / "manifest.avi.csv").is_file() and (out / "other.csv").is_file()
    assert f"{archive / 'manifest.avi'}: its results are named manifest.avi" in err
    assert "manifest.csv is the batch's manifest" in err, err


def test_manifest_mp4_alone_leaves_the_folder_open_to_a_batch(tmp_path: Path, capsys) -> None:
    write_clip(tmp_path / "manifest.avi", n=3)
    (tmp_path / "more").mkdir()
    write_clip(tmp_path / "more" / "b.avi", n=3)
    out = tmp_path / "out"
    assert main(["analyze", str(tmp_path / "manifest.avi"), "-o", str(out), "-q"]) == 0
    assert (out / "manifest.avi.csv").is_file() and not (out / "manifest.csv").exists()
    # a later batch into the folder (was: "not a merstudio batch manifest")
    assert main(["analyze", str(tmp_path / "more"), "-o", str(out), "-q"]) == 0, capsys.readouterr().err
    assert (out / "b.csv").is_file() and (out / "manifest.csv").read_text(encoding="utf-8").startswith("video,")


def test_spotting_mp4_keeps_its_rows_beside_the_report(tmp_path: Path, capsys) -> None:
    write_clip(tmp_path / "spotting.avi", n=3)
    table = tmp_path / "truth.csv"
    table.write_text("video,onset,offset\nspotting.avi,1,2\n", encoding="utf-8")
    out = tmp_path / "O"
    code = main(["spotting", "--data", f"table:{table}", "-o", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert (out / "spotting.avi.csv").read_text(encoding="utf-8").startswith("frame,face_id,")
    assert (out / "spotting.csv").read_text(encoding="utf-8").startswith("video,kind,")
    assert "spotting.csv is `merstudio spotting`'s report" in err, err


def _coder_table(path: Path) -> bytes:
    data = b"onset,apex,offset\n1,2,3\n"
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("overwrite", [True, False])
def test_a_coders_table_of_the_results_name_is_never_replaced(tmp_path: Path, capsys, overwrite: bool) -> None:
    write_clip(tmp_path / "interview.avi", n=3)
    data = _coder_table(tmp_path / "interview.csv")
    code = main(["analyze", str(tmp_path / "interview.avi"), "-o", str(tmp_path), "-q",
                 *(["--overwrite"] if overwrite else [])])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 3 and len(lines) == 1, lines
    assert lines[0].startswith(f"merstudio: error: {tmp_path / 'interview.csv'}: already exists and is not a "
                               "merstudio result"), lines
    assert (tmp_path / "interview.csv").read_bytes() == data
    assert not (tmp_path / "interview.meta.json").exists()


def test_a_batch_refuses_a_foreign_file_before_anything_runs(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    for n in ("a.avi", "interview.avi"):
        (tmp_path / "in" / n).write_bytes(b"video")
    out = tmp_path / "out"
    out.mkdir()
    (out / "interview.spots.csv").write_text("", encoding="utf-8")  # an empty file is no result either
    with pytest.raises(OutputError, match=r"interview\.spots\.csv: already exists and is not a merstudio result "
                                          r"\(an empty file\)"):
        B.plan_batch(sorted((tmp_path / "in").iterdir()), out)


def test_a_batch_with_overwrite_fails_that_input_only_and_keeps_the_file(tmp_path: Path, capsys) -> None:
    (tmp_path / "in").mkdir()
    write_clip(tmp_path / "in" / "a.avi", n=3)
    write_clip(tmp_path / "in" / "interview.avi", n=3)
    out = tmp_path / "out"
    out.mkdir()
    data = _coder_table(out / "interview.csv")
    code = main(["analyze", str(tmp_path / "in"), "-o", str(out), "-q", "--overwrite"])
    err = capsys.readouterr().err
    assert code == 2 and (out / "a.csv").is_file(), err
    assert (out / "interview.csv").read_bytes() == data
    assert f"{out / 'interview.csv'}: already exists and is not a merstudio result" in err, err


def test_overwrite_still_replaces_a_result(tmp_path: Path) -> None:
    paths = output_paths(tmp_path, "x")
    paths.csv.write_text("frame,face_id,timestamp\n0,0,0.0\n", encoding="utf-8")
    paths.spots.write_text("face_id,onset,apex,offset\n", encoding="utf-8")
    prepare_output_dir(tmp_path, [paths], overwrite=True)  # no refusal
    with pytest.raises(OutputError, match=r"x\.csv: already exists \(use --overwrite to replace it\)"):
        prepare_output_dir(tmp_path, [paths], overwrite=False)


def test_an_earlier_result_named_spotting_is_analysed_again_under_another_name(tmp_path: Path, capsys) -> None:
    """A folder an earlier merstudio filled: its manifest names spotting.avi's result `spotting`, whose rows the
    report spotting.csv replaced (the meta and the row still say done). A spotting run analyses it again."""
    (tmp_path / "in").mkdir()
    video = write_clip(tmp_path / "in" / "spotting.avi", n=3)
    out = tmp_path / "O"
    assert main(["analyze", str(tmp_path / "in"), "-o", str(out), "-q"]) == 0
    for ending in (".csv", ".spots.csv", ".meta.json"):  # as the earlier merstudio named them
        (out / f"spotting.avi{ending}").rename(out / f"spotting{ending}")
    text = (out / "manifest.csv").read_text(encoding="utf-8")
    (out / "manifest.csv").write_text(text.replace(",spotting.avi,", ",spotting,"), encoding="utf-8")
    assert ",spotting," in (out / "manifest.csv").read_text(encoding="utf-8")
    # ... and its spotting run's report replaced the rows
    (out / "spotting.csv").write_text(",".join(spotting_eval.CSV_COLUMNS) + "\n", encoding="utf-8")
    (out / "spotting.md").write_text("# Spotting evaluation\n", encoding="utf-8")
    table = tmp_path / "truth.csv"
    table.write_text(f"video,onset,offset\n{video},1,2\n", encoding="utf-8")
    capsys.readouterr()
    code = main(["spotting", "--data", f"table:{table}", "-o", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "was named like the folder's own files" in err, err
    assert (out / "spotting.avi.csv").read_text(encoding="utf-8").startswith("frame,face_id,")
    rows = list(csv.DictReader((out / "manifest.csv").open(encoding="utf-8")))
    assert [(r["output"], r["status"]) for r in rows] == [("spotting.avi", "done")], rows
