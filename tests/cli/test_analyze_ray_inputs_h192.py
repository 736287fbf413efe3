"""--ray [ADDRESS] takes no input as its address (a92 finding 6 via h192): `merstudio analyze --ray DIR -o out`
said "no inputs", `--ray a.mp4 b.mp4` "cannot connect (Invalid address format: a.mp4)"."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.cli.main import build_parser, main


def _parse(argv: list[str]):
    return build_parser().parse_args(argv)


def test_a_folder_after_ray_is_an_input_on_the_embedded_ray(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "a.mp4").touch()
    (tmp_path / "b.mp4").touch()
    args = _parse(["analyze", "--ray", "d", "-o", "out"])
    assert (args.ray, args.ray_inputs, args.inputs) == ("local", [Path("d")], [])
    args = _parse(["analyze", "--ray", "a.mp4", "b.mp4", "-o", "out"])
    assert (args.ray, [*args.ray_inputs, *args.inputs]) == ("local", [Path("a.mp4"), Path("b.mp4")])
    # not an address form, not there: an input too (its own error names it, not Ray's address format)
    args = _parse(["analyze", "--ray", "gone.mp4", "-o", "out"])
    assert (args.ray, args.ray_inputs) == ("local", [Path("gone.mp4")])


def test_addresses_stay_addresses(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for address in ("head:6379", "10.0.0.5:6379", "[::1]:6379", "ray://head:10001", "auto", "local"):
        args = _parse(["analyze", "--ray", address, "d", "-o", "out"])
        assert (args.ray, args.ray_inputs, args.inputs) == (address, [], [Path("d")]), address
        args = _parse(["analyze", f"--ray={address}", "d", "-o", "out"])
        assert (args.ray, args.ray_inputs, args.inputs) == (address, [], [Path("d")]), address
    args = _parse(["analyze", "x.mp4", "--ray", "-o", "out"])
    assert (args.ray, args.ray_inputs, args.inputs) == ("local", [], [Path("x.mp4")])
    assert _parse(["analyze", "x.mp4", "-o", "out"]).ray is None


def test_a_folder_named_like_an_address_is_the_input_and_said(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "auto").mkdir()
    args = _parse(["analyze", "--ray", "auto", "-o", "out"])
    assert (args.ray, args.ray_inputs) == ("local", [Path("auto")])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--ray auto: read as the input auto" in err


def test_the_run_analyses_the_input_after_ray_not_no_inputs(tmp_path: Path, monkeypatch, capsys) -> None:
    import merstudio.execution as X

    seen = []
    monkeypatch.setattr(X, "backend_from_args", lambda jobs, ray: seen.append(ray) or X.Backend("inprocess"))
    monkeypatch.chdir(tmp_path)
    assert main(["analyze", "--ray", "gone.mp4", "-o", "out"]) == 2
    err = capsys.readouterr().err
    assert "gone.mp4: no such file or folder" in err and "no inputs" not in err and "address" not in err
    assert seen == ["local"]


def test_spotting_refuses_a_value_that_is_no_address(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        _parse(["spotting", "--data", "table:x.csv", "--ray", "x.mp4", "-o", str(tmp_path)])
    assert "--ray: x.mp4: not a Ray address" in capsys.readouterr().err
    args = _parse(["spotting", "--data", "table:x.csv", "--ray", "head:6379", "-o", str(tmp_path)])
    assert args.ray == "head:6379"


def test_help_says_how_to_write_both() -> None:
    text = " ".join(build_parser()._subparsers._group_actions[0].choices["analyze"].format_help().split())
    assert "--ray DIR analyses DIR on the embedded Ray" in text and "--ray HOST:PORT DIR" in text
