"""The analysis' progress counts the frames whose rows have been given, never frames still in flight (h295, a109
finding 3).

A frame's rows wait (`_InFlight`) for the AU estimator's batch, the blink look-ahead and the model before they
leave; progress used to count the frames read, so the app's bar and the command line's ran 25-30 frames ahead of
the rows and read 100 % while the last ~28 rows were still to come. The app's worker batches rows for the GUI and
says the progress with them."""

from __future__ import annotations

from support.real_clips import DEMO

from merstudio.analysis.pipeline import Analysis
from merstudio.io import open_source

N = 40  # frames analysed: more than the rows in flight at a time (~28 on the demo)


def test_progress_never_counts_a_frame_whose_rows_are_still_to_come() -> None:
    assert DEMO.is_file(), f"{DEMO}: the bundled demo is missing"
    seen: list[tuple[int, int, int]] = []  # (done, total, frames whose rows have all been given so far)
    last = [-1]

    def progress(done: int, total: int) -> None:
        seen.append((done, total, last[0] + 1))

    with open_source(DEMO) as src:
        for row in Analysis(src, span=(0, N)).rows(progress=progress):
            last[0] = row["frame"]
    assert last[0] == N - 1
    ahead = [(done, given) for done, _total, given in seen if done > given]
    assert not ahead, f"progress ahead of the rows given (done, frames given): {ahead[:5]}"
    assert seen[-1] == (N, N, N), "the last progress comes with the last row"
    assert [d for d, _t, _g in seen] == sorted(d for d, _t, _g in seen), "progress never goes back"
    assert max(d for d, _t, _g in seen[:-1]) > 0, "progress moves before the end"
