"""An output folder's files that no earlier run of the command wrote are never replaced without --overwrite (train,
tune, ablate, spotting refuse them as evaluate does: "holds results already"); a --final the run folder stands in
place of is refused before the training; an empty output path is refused as the command line is read, not taken for
the current folder (a115 findings 1-3, h316)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

MISSING = "table:{t}/none.csv"  # data that is never read: every refusal here comes before it


def _notes(folder: Path, *names: str) -> dict[str, str]:
    """The user's own files `names` in `folder`, each with its own text: {name: text}."""
    folder.mkdir(parents=True, exist_ok=True)
    kept = {n: f"my own {n}\n" for n in names}
    for n, text in kept.items():
        (folder / n).parent.mkdir(parents=True, exist_ok=True)
        (folder / n).write_text(text, encoding="utf-8")
    return kept


def _as_they_were(folder: Path, kept: dict[str, str]) -> bool:
    return all((folder / n).read_text(encoding="utf-8") == text for n, text in kept.items())


@pytest.mark.parametrize(("command", "names"), [
    ("train", ("predictions.csv", "summary.md")),  # said in the order the run writes its names
    ("tune", ("chosen.json", "tune.md")),
    ("ablate", ("ablation.md",)),  # an ablation.md alone is no ablation's run: the user's notes
])
def test_a_folder_of_the_users_own_files_is_refused_before_the_data(command, names, tmp_path, capsys):
    out = tmp_path / "mine"
    kept = _notes(out, *names)
    code, _, err = run(capsys, command, "--data", MISSING.format(t=tmp_path), "--out", out)
    assert code == 3, err
    assert err.strip() == (f"merstudio: error: --out {out}: holds results already ({', '.join(names)}); choose "
                           "another folder or use --overwrite to replace them")
    assert _as_they_were(out, kept) and sorted(p.name for p in out.iterdir()) == sorted(names)


def test_overwrite_lets_the_run_write_there_and_an_earlier_run_resumes_without_it(tmp_path, capsys, monkeypatch):
    from support.flow_tables import write_table, write_tiny_config

    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = write_table(tmp_path / "data", n=12, n_subjects=2)
    tiny = ["--data", table, "--protocol", "kfold:2", "--epochs", "1", "--batch-size", "8", "--device", "cpu",
            "--config", write_tiny_config(tmp_path / "tiny.json", width=4), "-q"]
    out = tmp_path / "mine"
    _notes(out, "summary.md")
    code, _, err = run(capsys, "train", *tiny, "--out", out, "--overwrite")
    assert code == 0, err
    assert (out / "summary.md").read_text(encoding="utf-8").startswith("# Run summary")
    # the folder is now this command's run: the same command again resumes there, no --overwrite needed
    code, out_text, err = run(capsys, "train", *tiny, "--out", out)
    assert code == 0, err
    assert "kept from an earlier run" in out_text


def test_an_earlier_run_of_the_command_is_no_users_folder(tmp_path):
    from merstudio.cli.train import check_new_run_folder

    run_dir = tmp_path / "run"
    _notes(run_dir, "summary.md", "predictions.csv", "data.md")
    (run_dir / "run.json").write_text(json.dumps({"protocol": "kfold:2"}), encoding="utf-8")
    check_new_run_folder(run_dir, "train", False)  # resumed as before: the run checks its own settings
    search = tmp_path / "search"
    _notes(search, "chosen.json", "tune.md", "tune.json")
    check_new_run_folder(search, "tune", False)
    ablation = tmp_path / "ablation"
    _notes(ablation, "ablation.md", "full/run.json")
    check_new_run_folder(ablation, "ablate", False)
    empty = tmp_path / "empty"
    (empty / "folds").mkdir(parents=True)  # what a Ctrl-C left before any fold: no result
    check_new_run_folder(empty, "train", False)
    check_new_run_folder(tmp_path / "new", "train", False)


def test_a_run_json_no_training_wrote_is_the_users_too(tmp_path):
    from merstudio.cli.train import check_new_run_folder
    from merstudio.errors import OutputError

    _notes(tmp_path / "o", "run.json")
    with pytest.raises(OutputError, match=r"holds results already \(run\.json\)"):
        check_new_run_folder(tmp_path / "o", "train", False)


def _truth(tmp_path: Path) -> Path:
    """A spotting ground-truth table of a tiny clip (never analysed: the refusal comes first)."""
    tiny_video(tmp_path / "clip.avi", n=30)
    table = tmp_path / "truth.csv"
    table.write_text("video,onset,offset\nclip.avi,17,22\n", encoding="utf-8")
    return table


def test_spotting_keeps_a_report_no_spotting_run_wrote(tmp_path, capsys):
    out = tmp_path / "o"
    kept = _notes(out, "spotting.md")
    code, _, err = run(capsys, "spotting", "--data", f"table:{_truth(tmp_path)}", "-o", out)
    assert code == 3, err
    assert err.strip() == (f"merstudio: error: -o {out}: holds results already (spotting.md); choose another "
                           "folder or use --overwrite to replace them")
    assert _as_they_were(out, kept) and [p.name for p in out.iterdir()] == ["spotting.md"]


def test_spotting_rewrites_its_own_report(tmp_path):
    from merstudio.analysis.spotting_eval import CSV_COLUMNS, REPORT_TITLE, foreign_reports

    out = tmp_path / "o"
    out.mkdir()
    (out / "spotting.md").write_text(f"{REPORT_TITLE}\n\n- data: table:x.csv\n", encoding="utf-8")
    (out / "spotting.csv").write_text(",".join(CSV_COLUMNS) + "\r\nv,gt,1,2,micro,,,,FN\r\n", encoding="utf-8")
    assert foreign_reports(out) == []
    (out / "spotting.csv").write_text("video,onset\n", encoding="utf-8")  # a table of the user's own
    (out / "spotting.md").unlink()
    (out / "spotting.md").mkdir()
    assert foreign_reports(out) == ["spotting.csv", "spotting.md"]


@pytest.mark.parametrize(("final", "said"), [
    ("{out}", "is the --out folder"),
    ("{out}/", "is the --out folder"),
    ("{t}/runs", "is a folder above --out"),
    ("{out}/summary.md", "the run writes summary.md in --out"),
    ("{out}/folds/final.pt", "the run writes folds in --out"),
])
def test_a_final_the_run_folder_stands_in_place_of_is_refused_first(final, said, tmp_path, capsys):
    out = tmp_path / "runs" / "r"
    code, _, err = run(capsys, "train", "--data", MISSING.format(t=tmp_path), "--out", out,
                       "--final", final.format(out=out, t=tmp_path))
    assert code == 3, err
    assert said in err and f"e.g. {out / 'final.pt'}" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists()  # nothing made


def test_a_final_inside_the_run_folder_is_fine(tmp_path, capsys):
    out = tmp_path / "r"
    code, _, err = run(capsys, "train", "--data", MISSING.format(t=tmp_path), "--out", out,
                       "--final", out / "final.pt")
    assert code == 2 and "none.csv" in err  # past the --final checks, to the data


EMPTY = [
    (["analyze", "x.mp4", "-o", "{e}"], "-o"),
    (["analyze", "x.mp4", "--out={e}"], "--out"),
    (["agreement", "p.merproj", "-o", "{e}"], "-o"),
    (["evaluate", "--checkpoint", "c.pt", "--data", "table:x.csv", "--out", "{e}"], "--out"),
    (["train", "--data", "table:x.csv", "--out", "{e}"], "--out"),
    (["train", "--data", "table:x.csv", "--out", "r", "--final", "{e}"], "--final"),
    (["train", "--data", "table:x.csv", "--out", "r", "--cache", "{e}"], "--cache"),
    (["tune", "--data", "table:x.csv", "--out", "{e}"], "--out"),
    (["ablate", "--data", "table:x.csv", "--out", "{e}"], "--out"),
    (["spotting", "--data", "table:x.csv", "-o", "{e}"], "-o"),
    (["demo", "--headless", "-o", "{e}"], "-o"),
    (["finetune", "--project", "p.merproj", "--checkpoint", "c.pt", "-o", "{e}"], "-o"),
    (["neutral", "in.csv", "{e}"], "OUT"),
    (["reencode", "in.mp4", "{e}"], "OUT"),
    (["convert", "in.csv", "{e}"], "OUT"),
    (["convert", "--project", "p.merproj", "--export", "{e}"], "--export"),
    (["bench", "--json", "{e}"], "--json"),
    (["datasets", "prepare", "table:x.csv", "--cache", "{e}"], "--cache"),
]


@pytest.mark.parametrize("empty", ["", "  "])
@pytest.mark.parametrize(("argv", "flag"), EMPTY)
def test_an_empty_output_is_refused_not_taken_for_the_current_folder(argv, flag, empty, cwd, capsys):
    code, out, err = run(capsys, *(a.format(e=empty) for a in argv))
    assert code == 2, err
    assert err.startswith(f"merstudio: error: {flag} is empty: give a ") and len(err.strip().splitlines()) == 1
    assert list(cwd.iterdir()) == []


def test_a_dot_still_names_the_current_folder(cwd):
    from merstudio.cli.main import build_parser

    args = build_parser().parse_args(["analyze", "x.mp4", "-o", "."])
    assert args.out == Path(".")
    args = build_parser().parse_args(["analyze", "x.mp4", "-o", "memory://b/o"])
    assert args.out == "memory://b/o"  # a URL stays text, as analyze's -o read it
