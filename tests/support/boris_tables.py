"""BORIS 7's exported tables (tab-separated) laid out as its export functions write them, for the interchange tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

# export_aggregated_events' header (as in BORIS's own test file test_full_1.tsv)
AGGREGATED_HEAD = ("Observation id\tObservation date\tDescription\tMedia file\tTotal length\tFPS\tSubject\tBehavior\t"
                   "Behavioral category\tModifiers\tBehavior type\tStart (s)\tStop (s)\tDuration (s)\tComment start\t"
                   "Comment stop")

TABULAR_HEAD = "Time\tMedia file path\tTotal length\tFPS\tSubject\tBehavior\tBehavioral category\tComment\tStatus"


def tabular_tsv(path: Path, players: Sequence[str], rows: Sequence[tuple[str, str, str]], total: str,
                player2: Sequence[str] = ()) -> Path:
    """export_tabular_events of the observation 'obs 1': the block about it above the header (its player playing
    `players` in turn, a second player `player2`, time offset 0), then a row of behaviour 's' for each (time, media
    file, status) of `rows`, the observation `total` s long (its Total length) at 25 fps."""
    block = ["Observation id\tobs 1", "", "Media file(s)", "", *(f"Player #1\t{m}" for m in players),
             *(f"Player #2\t{m}" for m in player2), "", "Time offset (s)\t0.0", ""]
    body = [f"{t}\t{m}\t{total}\t25.0\tsubject1\ts\t\t\t{status}" for t, m, status in rows]
    path.write_text("\n".join([*block, TABULAR_HEAD, *body]) + "\n", encoding="utf-8")
    return path
