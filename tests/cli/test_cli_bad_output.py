"""Bad output paths and flags fail at once with one line, before any long work; no display is said, not aborted."""

from pathlib import Path

import pytest

from merstudio.atomic import atomic_path, ensure_parent
from merstudio.cli.main import main
from merstudio.cli.stderr_filter import NOISE
from merstudio.errors import OutputError


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    f = tmp_path / "plain.txt"
    f.write_text("x")
    return f


def test_file_where_a_folder_should_be_is_named(a_file: Path) -> None:
    with pytest.raises(OutputError, match=r"plain\.txt is a file, not a folder"):
        ensure_parent(a_file / "sub" / "out.csv")
    with pytest.raises(OutputError, match=r"out\.csv: cannot write"), atomic_path(a_file / "out.csv"):
        pass


def test_ensure_parent_creates_missing_folders(tmp_path: Path) -> None:
    ensure_parent(tmp_path / "a" / "b" / "out.csv")
    assert (tmp_path / "a" / "b").is_dir()


def test_bench_json_checked_before_benchmarks(a_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--json", str(a_file / "x.json"), "decode"]) == 3
    out = capsys.readouterr()
    assert "merstudio bench on" not in out.out  # failed before running anything
    assert out.err.count("\n") == 1 and "not a folder" in out.err


def test_train_final_checked_before_data(a_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the data does not exist either: the --final check must come first
    code = main(["train", "--data", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "run"),
                 "--final", str(a_file / "m.pt")])
    assert code == 3
    assert "m.pt: cannot write" in capsys.readouterr().err


def test_ablate_parts_checked_before_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ablate", "--data", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "a"), "--parts", "foo"])
    assert code == 2
    assert "--parts foo: unknown part" in capsys.readouterr().err


def test_gui_without_display_is_an_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for var in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert main(["gui"]) == 2
    assert "no display" in capsys.readouterr().err


def test_unwrapped_os_error_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from merstudio.cli import main as climain

    real = climain.build_parser

    def boom(args: object) -> int:
        raise PermissionError(13, "Permission denied", "/some/file")

    def patched():  # the parser, with `datasets classes` routed to a command that hits an unwrapped OSError
        p = real()
        args = p.parse_args(["datasets", "classes"])
        args.func = boom
        p.parse_args = lambda argv=None: args
        p.parse_known_args = lambda argv=None: (args, [])  # what main parses with (a subcommand's own usage)
        return p

    monkeypatch.setattr(climain, "build_parser", patched)
    assert climain.main(["datasets", "classes"]) == 3
    assert capsys.readouterr().err == "merstudio: error: /some/file: Permission denied\n"


def test_ffmpeg_notices_are_filtered() -> None:
    assert NOISE.match(b"[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5639d65fd5c0] moov atom not found\n")
    assert NOISE.match(b"[h264 @ 0x55d1] error while decoding MB 3 4\n")
    assert not NOISE.match(b"[1/3] analysing clip.mp4\n")


def test_datasets_prepare_unwritable_cache_fails(a_file: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import cv2
    import numpy as np

    rows = ["subject,sample,label,path"]
    for k in range(2):  # precomputed 28x28 flow images: a valid table that prepares in milliseconds
        cv2.imwrite(str(tmp_path / f"s{k}.png"), np.full((28, 28, 3), 40 * k, np.uint8))
        rows.append(f"s{k},x{k},a,s{k}.png")
    table = tmp_path / "t.csv"
    table.write_text("\n".join(rows) + "\n")
    assert main(["datasets", "prepare", "table", str(table), "--cache", str(tmp_path / "ok")]) == 0
    assert list((tmp_path / "ok").glob("prep-*/*.npz"))
    capsys.readouterr()
    code = main(["datasets", "prepare", "table", str(table), "--cache", str(a_file / "cache")])
    assert code == 3
    assert "not a folder" in capsys.readouterr().err


def test_finetune_out_checked_before_project(a_file: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["finetune", "--project", str(tmp_path / "missing.merproj"), "--checkpoint",
                 str(tmp_path / "missing.pt"), "-o", str(a_file / "new.pt"), "--no-progress"])
    assert code == 3
    assert "new.pt: cannot write" in capsys.readouterr().err


def test_junk_or_truncated_checkpoint_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from merstudio.resources import starter_checkpoint

    junk = tmp_path / "junk.pt"
    junk.write_text("not a checkpoint")
    cut = tmp_path / "cut.pt"
    starter = starter_checkpoint()
    assert starter is not None
    cut.write_bytes(starter.read_bytes()[:50_000])
    for bad, why in ((junk, "not a merstudio checkpoint (not a torch file)"),
                     (cut, "damaged checkpoint (the file is cut short or corrupt; copy it again)")):
        assert main(["evaluate", "--checkpoint", str(bad), "--data", str(tmp_path / "none.csv")]) == 2
        err = capsys.readouterr().err
        assert err == f"merstudio: error: {bad}: {why}\n"


def test_no_command_opens_the_gui_even_from_an_explicit_empty_argv(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[list[str]] = []
    monkeypatch.setattr("merstudio.cli.gui.check_display", lambda: None)
    monkeypatch.setattr("merstudio.gui.app.run_app", lambda argv: called.append(list(argv)) or 0)
    monkeypatch.setattr("sys.argv", ["merstudio", "--not-an-option"])  # must not be read when argv is given
    assert main([]) == 0
    assert called == [[]]


def test_checkpoint_that_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--checkpoint", str(tmp_path), "--data", str(tmp_path / "none.csv")]) == 2
    assert capsys.readouterr().err == f"merstudio: error: {tmp_path}: is a folder, not a checkpoint file\n"


def test_train_refuses_non_positive_counts(tmp_path, capsys):
    from merstudio.cli.main import main as cli_main

    for flag in ("--jobs", "--epochs"):
        code = cli_main(["train", "--data", str(tmp_path / "t.csv"), "--out", str(tmp_path / "o"), flag, "0"])
        err = capsys.readouterr().err
        assert code == 2 and f"{flag} must be at least 1" in err


# ------------------------------------------------------------------ nothing the user had is replaced unasked
def test_existing_outputs_are_kept_without_overwrite(a_file: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A finished run's folder, an earlier checkpoint, the checkpoint being fine-tuned: each refused in one line
    before any work (the data and projects named do not even exist), and left as it was."""
    from merstudio.resources import starter_checkpoint

    run_dir = tmp_path / "run"
    (run_dir / "folds").mkdir(parents=True)
    (run_dir / "run.json").write_text("{}")
    (run_dir / "folds" / "s01.csv").write_text("x")
    missing = str(tmp_path / "missing.csv")
    cases = [
        (["evaluate", "--checkpoint", str(starter_checkpoint()), "--data", missing, "--out", str(run_dir)],
         "holds results already (run.json, folds)"),
        (["train", "--data", missing, "--out", str(tmp_path / "r"), "--final", str(a_file)], "already exists"),
        (["finetune", "--project", str(tmp_path / "p.merproj"), "--checkpoint", str(a_file), "-o", str(a_file),
          "--no-progress"], "that is the checkpoint being fine-tuned"),
        (["finetune", "--project", str(tmp_path / "p.merproj"), "--checkpoint", str(tmp_path / "c.pt"), "-o",
          str(a_file), "--no-progress"], "already exists (use --overwrite)"),
        (["bench", "--json", str(tmp_path), "decode"], "is a folder"),
    ]
    for argv, message in cases:
        code = main(argv)
        err = capsys.readouterr().err
        assert code in (2, 3) and message in err and err.count("\n") == 1, (argv, err)
    assert (run_dir / "folds" / "s01.csv").read_text() == "x" and a_file.read_text() == "x"


def test_a_bad_max_faces_leaves_an_interrupted_run_as_it_was(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from merstudio.resources import demo_video

    out = tmp_path / "out"
    out.mkdir()
    partial = out / "interview.partial.csv"
    partial.write_text("frame,face_id\n0,0\n")
    for _ in range(2):  # twice: the second run used to replace the first's set-aside rows with nothing
        assert main(["analyze", str(demo_video()), "-o", str(out), "--max-faces", "0", "-q"]) == 2
        assert "--max-faces must be at least 1" in capsys.readouterr().err
    assert partial.read_text() == "frame,face_id\n0,0\n" and sorted(p.name for p in out.iterdir()) == [partial.name]


def test_plots_and_demo_results_are_not_replaced_unasked(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from merstudio.resources import demo_video

    out = tmp_path / "out"
    out.mkdir()
    (out / "interview.png").write_bytes(b"mine")
    assert main(["analyze", str(demo_video()), "-o", str(out), "--plot", "-q"]) == 3
    assert "interview.png: already exists (use --overwrite" in capsys.readouterr().err
    assert main(["demo", "--headless", "-o", str(out)]) == 3
    assert "no demo run wrote it" in capsys.readouterr().err
    assert (out / "interview.png").read_bytes() == b"mine"



def test_a_photo_is_never_replaced_by_its_own_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A photo analysed into its own folder: <name>.png is the photo itself, --overwrite or not."""
    import cv2

    from merstudio.resources import demo_video

    cap = cv2.VideoCapture(str(demo_video()))
    ok, frame = cap.read()
    cap.release()
    assert ok
    photo = tmp_path / "portrait.png"
    cv2.imwrite(str(photo), frame)
    before = photo.read_bytes()
    for extra in ([], ["--overwrite"]):
        assert main(["analyze", str(photo), "-o", str(tmp_path), "--plot", "-q", *extra]) == 3
        assert "is an input; its AU plot would replace it" in capsys.readouterr().err
    assert photo.read_bytes() == before

def test_a_binary_sample_table_is_one_line_and_a_latin1_one_is_read(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "t.csv"
    binary.write_bytes(b"\x00\x01\xfa" * 100)
    assert main(["datasets", "inspect", "table", str(binary)]) == 2
    err = capsys.readouterr().err
    assert "a binary file, not a text table" in err and err.count("\n") == 1
    # an 8-bit table (Excel's "Text" on Windows) is read as the annotation imports read it: Latin-1
    (tmp_path / "x.png").write_bytes(b"")
    latin = tmp_path / "l.csv"
    latin.write_bytes("subject,sample,label,path\ns1,a,caf\xe9,x.png\n".encode("latin-1"))
    from merstudio.datasets import load_samples

    assert [s.label for s in load_samples("table", latin, check_images=False, verbose=False)] == ["caf\xe9"]
