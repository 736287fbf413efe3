"""`merstudio analyze` batch fixes seen from the command line: --fps leaves videos their own timing (here and in
`project new`), a rerun after a change of settings, a list file with a BOM, an old results folder in a tree, and
notices that do not break the progress bar."""

from __future__ import annotations

from pathlib import Path

from merstudio.cli.main import main


def test_project_fps_is_the_rate_of_frame_folders_only(clip: Path, tmp_path: Path, capsys):
    code = main(["project", "new", str(tmp_path / "p.merproj"), str(clip), "--fps", "200"])
    out = capsys.readouterr().out
    assert code == 0 and "at 30 fps" in out, out


def test_a_rerun_with_other_settings_analyses_again(clip: Path, tmp_path: Path, capsys):
    """A batch rerun skipped finished inputs whatever the settings (`--landmarks` then gave no landmarks); it
    analyses them again and says why, and skips them once the result has those settings."""
    listing = tmp_path / "list.txt"
    listing.write_text(f"{clip}\n")
    out = tmp_path / "out"
    assert main(["analyze", "--list", str(listing), "-o", str(out), "-q"]) == 0
    capsys.readouterr()
    assert "mp_x_0" not in (out / "a.csv").read_text().splitlines()[0]
    assert main(["analyze", "--list", str(listing), "-o", str(out)]) == 0
    assert "1 finished before (skipped)" in capsys.readouterr().out  # the same settings: skipped
    assert main(["analyze", "--list", str(listing), "-o", str(out), "--landmarks", "--fps", "200"]) == 0
    text = capsys.readouterr().out
    assert "1 to analyse (1 finished before with other settings, analysed again: settings changed: --landmarks)" \
        in text and "batch: 1 analysed" in text, text  # --fps: the video keeps its own rate, nothing to do
    assert "mp_x_0" in (out / "a.csv").read_text().splitlines()[0]
    assert main(["analyze", "--list", str(listing), "-o", str(out), "--landmarks"]) == 0
    assert "0 to analyse, 1 finished before (skipped)" in capsys.readouterr().out
    assert main(["analyze", "--list", str(listing), "-o", str(out), "--landmarks", "--plot"]) == 0
    text = capsys.readouterr()  # the missing plot is drawn from the up-to-date result, not by analysing it again
    assert "0 to analyse, 1 finished before (skipped)" in text.out and "up to date" in text.err
    assert (out / "a.png").is_file()
    assert main(["analyze", "--list", str(listing), "-o", str(out), "--landmarks", "--plot"]) == 0
    assert "0 to analyse, 1 finished before (skipped)" in capsys.readouterr().out


def test_an_old_results_folder_in_the_tree_is_not_an_input(clip: Path, tmp_path: Path, capsys):
    """`analyze tree -o tree/results --plot`, then `-o tree/results_v2`: the first run's folder (its PNG plots)
    was analysed as a frame folder; it is skipped, and the run says so once."""
    tree = tmp_path / "tree"
    (tree / "day1").mkdir(parents=True)
    (tree / "day1" / "a.avi").write_bytes(clip.read_bytes())
    assert main(["analyze", str(tree), "-o", str(tree / "results"), "--plot", "-q"]) == 0
    assert (tree / "results" / "a.png").is_file()
    capsys.readouterr()
    assert main(["analyze", str(tree), "-o", str(tree / "results_v2")]) == 0
    captured = capsys.readouterr()
    assert "batch of 1 input(s)" in captured.out, captured.out
    notes = [line for line in captured.err.splitlines() if "folder(s) of merstudio results" in line]
    assert len(notes) == 1 and str(tree / "results") in notes[0]


def test_the_interrupted_rows_notice_is_written_above_the_bar(clip: Path, tmp_path: Path, capsys, monkeypatch):
    """The 'rows of an interrupted run are kept' notice went to stderr with print(), over the batch's tqdm bar; it
    comes to the batch's caller (run_batch(on_notice=...)), which writes it with tqdm.write."""
    import tqdm

    out = tmp_path / "out"
    out.mkdir()
    (out / "a.partial.csv").write_text("frame,face_id\n0,0\n1,0\n")
    (out / "a.partial.meta.json").write_text('{"status": "running"}')
    written: list[str] = []
    real = tqdm.tqdm.write
    monkeypatch.setattr(tqdm.tqdm, "write", classmethod(lambda cls, s, file=None, **kw: (written.append(s),
                                                                                             real(s, file=file))))
    assert main(["analyze", str(clip), "-o", str(out), "--batch"]) == 0
    assert any("rows of an interrupted run (2 rows) are kept" in line for line in written), written
