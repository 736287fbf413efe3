"""`merstudio spotting` on the real clip, whose coded expression is a macro smile (annotation.csv: onset at frame 17,
held 20-68, offset 69-71): the spotter looks for micro-expressions only (up to 0.5 s and a frame), so the macro row
reads 0 by design, and the output said nothing of why (an auditor read overall F1 0.906 against micro 0.983). The
printed table and spotting.md now say it in one line; the clip gets no micro spot (no false positive)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from merstudio.cli.main import main

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/real-faces/smile_man.mp4 is absent")
def test_the_macro_row_says_the_spotter_looks_for_micro_expressions_only(tmp_path, capsys):
    shutil.copy(REAL, tmp_path / "smile_man.mp4")
    table = tmp_path / "truth.csv"
    table.write_text("video,onset,offset,type\nsmile_man.mp4,17,71,macro\n", encoding="utf-8")
    out = tmp_path / "eval"
    assert main(["spotting", "--data", f"table:{table}", "-o", str(out), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "| macro | 0 | 0 | 1 |" in printed and "| micro | 0 | 0 | 0 |" in printed
    said = [line for line in printed.splitlines() if line.startswith("macro: ")]
    assert len(said) == 1 and "micro-expressions only" in said[0], printed
    assert said[0] in (out / "spotting.md").read_text(encoding="utf-8")
