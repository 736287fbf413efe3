"""Helpers the command-line tests share: run `merstudio ARGS…` in-process and small inputs for it. (Test modules
import these from here, never from another test module: `from tests.cli.x import …` resolved only when pytest ran
as `python -m pytest` from the repository root.)"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``merstudio *argv``."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_datasets(argv: list[str]) -> int:
    """Exit code of ``merstudio datasets *argv`` through that command's own parser alone (its errors raise, as
    InputError, instead of becoming main()'s exit status and message)."""
    import argparse

    from merstudio.cli import datasets

    parser = argparse.ArgumentParser(prog="merstudio")
    datasets.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


def tiny_video(path: Path, n: int = 90, fps: float = 30.0) -> Path:
    """An MJPG .avi of n 64x48 frames, each a shade brighter than the last."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (64, 48))
    for i in range(n):
        writer.write(np.full((48, 64, 3), 40 + i, np.uint8))
    writer.release()
    return path


def noise_frames(folder: Path, value: int) -> Path:
    """A frame folder img1.png… of random images; its frame count and content depend on `value`, so two folders
    made with other values are not one video by content."""
    folder.mkdir()
    rng = np.random.default_rng(value)
    for i in range(5 + value % 7):
        cv2.imwrite(str(folder / f"img{i + 1}.png"), rng.integers(0, 255, (48, 64, 3), np.uint8))
    return folder


def said_as_each_finishes(monkeypatch, capsys) -> list[tuple[str, str]]:
    """From now on `analyze`'s batch records, as each input's result comes, (its name, what stdout got since the
    last one): what a log cut short at that moment would hold."""
    from merstudio.analysis import batch as B

    real, seen = B.run_batch, []

    def run_batch(*args, on_result=None, **kw):
        def result(item, outcome):
            on_result(item, outcome)
            seen.append((item.name, capsys.readouterr().out))  # stdout by the time the next input's turn comes

        return real(*args, on_result=result, **kw)

    monkeypatch.setattr(B, "run_batch", run_batch)
    return seen
