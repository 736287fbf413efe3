"""h303: a dataset sheet's clip is found whichever Unicode form names it: a clip folder copied from a Mac names
"Müller" decomposed (u + U+0308) where the sheet typed one ü, and the other way round."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from merstudio.interchange import preview_sheet

NFC, NFD = (unicodedata.normalize(f, "Müller") for f in ("NFC", "NFD"))


def _sheet(path: Path, name: str) -> Path:
    path.write_text("Subject;Filename;OnsetFrame;ApexFrame;OffsetFrame;Action Units;Estimated Emotion\n"
                    f"01;{name};46;50;55;12;Glück\n", encoding="utf-8-sig")
    return path


def test_a_decomposed_clip_name_finds_the_typed_row(tmp_path: Path) -> None:
    prev = preview_sheet(_sheet(tmp_path / "casme.csv", NFC), "casme2", NFD, 1, first_frame=0)
    assert [(e.onset, e.apex, e.offset, e.aus) for e in prev.events] == [(46, 50, 55, "12")]


def test_a_decomposed_row_is_found_by_the_typed_clip_name_case_ignored(tmp_path: Path) -> None:
    prev = preview_sheet(_sheet(tmp_path / "casme.csv", NFD), "casme2", "MÜLLER", 1, first_frame=0)
    assert [(e.onset, e.apex, e.offset) for e in prev.events] == [(46, 50, 55)]
    assert not any("trailing f" in n for n in prev.notes)
