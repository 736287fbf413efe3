"""A plain '3/4 typed in a BORIS tool's own table reads '3/4 (h269): the BORIS reader took a leading apostrophe off
every table's cells where the rest is what our spreadsheet guard guards (h241/h244: unguarded_cell), BORIS's own
too, which guard nothing, so a behaviour '3/4 came in as 3/4, a modifier '1-16 as 1-16. Only a table of ours (our
Coder / Event source columns) has the guard's apostrophe, or plain_cell's escape, to take off."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.boris_tables import AGGREGATED_HEAD, TABULAR_HEAD

from merstudio.interchange import Media, read_events, write_events
from merstudio.interchange.boris import read_boris
from merstudio.interchange.events_csv import make_spreadsheet_safe
from merstudio.project.events import Event

# BORIS 8's aggregated export, as BORIS writes it: the cells as typed
BORIS8_HEAD = ["Observation id", "Media file name", "FPS (frame/s)", "Subject", "Behavior", "Modifier #1",
               "Behavior type", "Start (s)", "Stop (s)", "Comment start"]
BORIS8_ROW = ["obs1", "v.mp4", "30", "", "'3/4", "'1-16", "STATE", "1.000", "2.000", "'2026-12-07"]


def _read(path: Path, fps: float = 30.0) -> list[tuple[str, str]]:
    return [(e.emotion, e.note.split(" [apex imputed")[0]) for e in read_boris(path, fps=fps).events]


@pytest.mark.parametrize(("name", "delim"), [("obs.tsv", "\t"), ("obs.csv", ",")])
def test_boris_s_own_aggregated_table_keeps_a_coder_s_apostrophes(tmp_path: Path, name: str, delim: str) -> None:
    path = tmp_path / name
    path.write_text("\n".join(delim.join(r) for r in [BORIS8_HEAD, BORIS8_ROW]) + "\n", encoding="utf-8")
    # was: [("3/4", "2026-12-07 / modifiers: 1-16")]
    assert _read(path) == [("'3/4", "'2026-12-07 / modifiers: '1-16")]


def test_boris_7_s_aggregated_and_tabular_tables_keep_them_too(tmp_path: Path) -> None:
    agg = tmp_path / "agg.tsv"
    agg.write_text(AGGREGATED_HEAD + "\nobs 1\t\t\tv.mp4\t60\t25.0\t\t'3/4\t\t'1-16\tSTATE\t1.0\t2.0\t1.0\t\t\n",
                   encoding="utf-8")
    assert _read(agg, 25.0) == [("'3/4", "modifiers: '1-16")]
    tab = tmp_path / "tab.tsv"
    body = [f"{t}\tv.mp4\t60\t25.0\t\t'3/4\t\t\t{s}" for t, s in (("1.0", "START"), ("2.0", "STOP"))]
    tab.write_text("\n".join(["Observation id\tobs 1", "", TABULAR_HEAD, *body]) + "\n", encoding="utf-8")
    assert [e.emotion for e in read_events(tab, fps=25.0).events] == ["'3/4"]


@pytest.mark.parametrize("safe", [False, True])
def test_our_own_tables_still_give_back_what_was_typed(tmp_path: Path, safe: bool) -> None:
    # ours: a coder's '3/4 written ''3/4 (plain_cell), a 3/4 guarded as '3/4 (--spreadsheet-safe), both undone
    evs = [Event(0, 10, 15, 20, emotion="3/4", coder="ann", note="'3/4"), Event(0, 30, 35, 40, coder="ann", note="'tis")]
    path = write_events(evs, tmp_path / "ours.tsv", Media("v.mp4", fps=30.0))
    if safe:
        make_spreadsheet_safe(path, "\t")
    text = path.read_text(encoding="utf-8-sig")
    assert "\t''3/4\t" in text and ("\t'3/4\tmicro-expression" in text) == safe  # the behaviour guarded if safe
    assert sorted((e.emotion, e.note) for e in read_boris(path, fps=30).events) == [("", "'tis"), ("3/4", "'3/4")]
