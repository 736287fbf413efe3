"""Results whose names are legal but near the 255-byte limit: the hidden temporary beside them must fit too.

A 242-byte video name (238 `V` + `.mp4`) was found to fail every write of its results with "File name too long":
`.<name>.<token>.part` adds 15 bytes. Expected lengths come from the file system (os.listdir after the write)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from merstudio.atomic import atomic_path, remove_dead_temps, write_text_atomic
from merstudio.errors import OutputError

LIMIT = 255  # ext4/tmpfs/xfs: bytes in one file name


def _limit(folder: Path) -> int:
    return os.pathconf(folder, "PC_NAME_MAX")


@pytest.mark.parametrize("name", ["V" * 238 + ".csv", "V" * 251 + ".bak", "ü" * 125 + ".csv"])
def test_a_legal_long_name_is_written(tmp_path: Path, name: str) -> None:
    assert _limit(tmp_path) == LIMIT
    assert len(name.encode()) <= LIMIT
    dst = tmp_path / name
    write_text_atomic(dst, "a,b\n1,2\n")
    assert dst.read_text() == "a,b\n1,2\n"
    assert os.listdir(tmp_path) == [name]  # the temporary went


def test_the_temporary_fits_and_is_named_after_its_target(tmp_path: Path) -> None:
    dst = tmp_path / ("受" * 80 + ".merproj.bak")  # 252 bytes, 92 characters
    seen: list[str] = []
    with atomic_path(dst) as tmp:
        seen.append(tmp.name)
        tmp.write_bytes(b"x")
        # a second writer at the same time gets a name of its own
        with atomic_path(dst) as tmp2:
            seen.append(tmp2.name)
            tmp2.write_bytes(b"y")
    assert dst.read_bytes() == b"x"
    assert len(set(seen)) == 2
    for t in seen:
        assert len(t.encode()) <= LIMIT
        assert t.startswith(".受受受") and t.endswith(".part")
        t.encode("utf-8")  # whole characters: no cut UTF-8 sequence


def test_a_killed_writers_long_temporary_is_found_again(tmp_path: Path) -> None:
    dst = tmp_path / ("V" * 240 + ".csv")
    # a writer killed half-way (os._exit inside the block: nothing cleans up, its lock goes with the process)
    code = ("import os, sys; from merstudio.atomic import atomic_path\n"
            "with atomic_path(sys.argv[1]) as t:\n    t.write_bytes(b'half'); os._exit(0)")
    subprocess.run([sys.executable, "-c", code, str(dst)], check=True)
    left = [tmp_path / n for n in os.listdir(tmp_path)]
    assert len(left) == 1 and left[0].read_bytes() == b"half"
    assert remove_dead_temps(dst) == left
    write_text_atomic(dst, "whole")
    assert os.listdir(tmp_path) == [dst.name]


def test_a_final_name_too_long_is_one_line_naming_the_limit(tmp_path: Path) -> None:
    dst = tmp_path / ("V" * 252 + ".csv")  # 256 bytes
    with pytest.raises(OutputError) as err:
        write_text_atomic(dst, "x")
    text = str(err.value)
    assert "\n" not in text
    assert "256 bytes" in text and "255" in text
    assert os.listdir(tmp_path) == []
