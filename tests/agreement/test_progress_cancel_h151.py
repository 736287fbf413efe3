"""agreement_from_events / agreement_report report their steps (a coder pair on a video, then each video's alpha
units) to ``progress`` and stop between two of them when ``cancel`` says so (AgreementCancelled, no report)."""

from __future__ import annotations

import pandas as pd
import pytest
from agreement_data import ann_bob_events

from merstudio.agreement import AgreementCancelled, agreement_from_events, agreement_report
from merstudio.errors import MerstudioError
from merstudio.project import Event

COUNTS = {1: 120, 2: 120}


def three_coders() -> list[Event]:
    """ann and bob on videos 1 and 2, cy on video 2: 3 pairs x 2 videos + 2 videos' alpha units = 8 steps."""
    cy = [Event(2, 10, 12, 15, emotion="happiness", aus="12", coder="cy")]
    return ann_bob_events(1) + ann_bob_events(2) + cy


def test_progress_counts_every_step_up_to_the_total():
    seen: list[tuple[int, int]] = []
    report = agreement_from_events(three_coders(), frame_counts=COUNTS, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(k, 8) for k in range(9)]
    assert list(report.pairs["coder_a"] + "/" + report.pairs["coder_b"]) == ["ann/bob", "ann/cy", "bob/cy"]


def test_callbacks_change_nothing_in_the_report():
    plain = agreement_from_events(three_coders(), frame_counts=COUNTS)
    watched = agreement_from_events(three_coders(), frame_counts=COUNTS, progress=lambda d, t: None,
                                    cancel=lambda: False)
    for name, table in plain.tables().items():
        pd.testing.assert_frame_equal(watched.tables()[name], table, check_exact=True)
    assert watched.notes == plain.notes


@pytest.mark.parametrize("after", [0, 3, 7])
def test_cancel_stops_between_steps(after):
    seen: list[int] = []
    asked = []

    def cancel() -> bool:
        asked.append(len(seen))
        return len(seen) > after  # progress(0, total) comes first: after k steps, len(seen) == k + 1

    with pytest.raises(AgreementCancelled, match=f"cancelled after {after} of 8 steps; nothing was written"):
        agreement_from_events(three_coders(), frame_counts=COUNTS, progress=lambda d, t: seen.append(d),
                              cancel=cancel)
    assert seen[-1] == after  # no step ran after the cancel was seen
    assert asked[-1] == after + 1


def test_cancelled_is_a_one_line_error_with_the_interrupt_exit_code():
    exc = AgreementCancelled("x")
    assert isinstance(exc, MerstudioError) and exc.exit_code == 130


def test_agreement_report_passes_them_on(project):
    seen: list[tuple[int, int]] = []
    report = agreement_report(project, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] > 0 and len(report.pairs)
    with pytest.raises(AgreementCancelled):
        agreement_report(project, cancel=lambda: True)
