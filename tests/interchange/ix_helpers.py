"""Helpers for the interchange tests (a unique module name: test folders have no __init__.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from merstudio.project import Event


def sample_events(video_id: int = 0) -> list[Event]:
    """Several coders and faces, overlapping events of one coder (-> ELAN lanes), single-frame events, sided and
    intensity-lettered AUs, notes with the separators our formats use or that a spreadsheet reads as a formula,
    every source and status."""
    return [
        Event(video_id, 10, 15, 30, emotion="happiness", aus="6+L12", coder="alice", confidence=0.8,
              note="smile; left=stronger | check"),
        Event(video_id, 12, 14, 40, emotion="disgust", aus="", coder="alice", note="=AU12 stronger"),  # not a formula
        Event(video_id, 20, 20, 25, face_id=1, emotion="surprise", aus="1+2+5B", coder="alice", source="model",
              status="proposal", confidence=0.125),
        Event(video_id, 0, 0, 0, emotion="", aus="4", coder="bob"),
        Event(video_id, 41, 45, 45, emotion="repression", aus="R14+17", coder="bob", status="rejected"),
        Event(video_id, 3, 4, 9, emotion="others", aus="4+7", coder="lab/coder 2", source="imported"),
        Event(video_id, 50, 52, 60, emotion="a|b", aus="12", coder="", source="model", status="proposal"),
    ]


def canon(events):
    """Events compared as content: validated, without database ids, in a fixed order."""
    return sorted((replace(e.validated(), id=None) for e in events), key=lambda e: (e.coder, e.face_id, e.onset, e.offset))



def write_frames(folder: Path, numbers, prefix: str = "img", digits: int = 0) -> list[Path]:
    """Tiny frame files named like the datasets' (img46.jpg, 006_05562.jpg); content is irrelevant here."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in numbers:
        p = folder / f"{prefix}{n:0{digits}d}.jpg" if digits else folder / f"{prefix}{n}.jpg"
        p.write_bytes(b"\xff\xd8\xff")
        out.append(p)
    return out


def write_xlsx(path: Path, rows, title: str = "Sheet1") -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path
