import pytest

from merstudio.cli.main import build_parser, main


def test_gui_subcommand_registered():
    args = build_parser().parse_args(["gui", "video.mp4"])
    assert args.command == "gui" and str(args.path) == "video.mp4"


def test_gui_missing_path_is_one_line_error(tmp_path, capsys):
    assert main(["gui", str(tmp_path / "nope.mp4")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nope.mp4: no such file or folder" in err


def test_gui_opens_the_window(monkeypatch, tmp_path):
    """`merstudio gui PATH` hands the path to the app (run_app is replaced: no event loop in tests)."""
    called = []
    monkeypatch.setattr("merstudio.gui.app.run_app", lambda argv: called.append(argv) or 0)
    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    assert main(["gui", str(video)]) == 0
    assert called == [[str(video)]]
    with pytest.raises(SystemExit):
        main(["gui", "--help"])
