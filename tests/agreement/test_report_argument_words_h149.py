"""agreement_report's refusal of a frames coder that already codes events names the argument and the flag."""

from __future__ import annotations

import pytest

from merstudio.agreement import agreement_report
from merstudio.errors import InputError


def test_frames_coder_taken_names_the_argument(project) -> None:
    with pytest.raises(InputError) as exc:
        agreement_report(project, video_ids=[1], frames_coder="bob")
    assert str(exc.value).endswith("name the per-frame coder something else (frames_coder= / --frames-coder)")
