"""What a researcher passes to Event and Project.add_event from Python (a91 findings 1-3, 9): a frame in seconds
times fps (18.3) is refused naming the field, numpy's numbers (a DataFrame's cells) are stored as Python's (not SQLite's bare
IntegrityError, json's "int64 is not JSON serializable"), a field of the wrong kind is one line naming it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from support.messages import one_line

from merstudio.errors import InputError
from merstudio.project import Event


def test_a_frame_in_seconds_times_fps_is_refused_naming_field_and_value() -> None:
    with pytest.raises(InputError) as err:
        Event(1, 0.61 * 30, 1.05 * 30, 2.27 * 30).validated()
    assert one_line(err.value) == ("event: onset must be a whole frame number, got 18.3: frames, not seconds; round it or "
                             "use frame = round(seconds * fps)")
    with pytest.raises(InputError, match=r"^event: offset must be a whole frame number, got 68\.1: frames"):
        Event(1, 18, 31, 68.1).validated()


def test_the_fractional_event_is_not_stored(clip72) -> None:
    with pytest.raises(InputError, match="onset must be a whole frame number"):
        clip72.add_event(Event(1, 18.3, 31.5, 68.1, coder="bob"))
    assert clip72.events() == []


def test_whole_floats_and_numpy_numbers_become_python_numbers(clip72) -> None:
    sheet_row = {"video_id": np.int64(1), "onset": np.int64(17), "apex": np.float64(30.0), "offset": np.int32(69),
                 "face_id": np.uint8(0), "confidence": np.float32(0.5)}
    ev = Event(**sheet_row, coder="bob").validated()
    assert [type(getattr(ev, f)) for f in sheet_row] == [int, int, int, int, int, float]
    assert (ev.onset, ev.apex, ev.offset, ev.confidence) == (17, 30, 69, 0.5)
    stored = clip72.add_event(Event(**sheet_row, coder="bob"))
    assert clip72.events() == [stored]
    assert (stored.onset, stored.apex, stored.offset, stored.video_id) == (17, 30, 69, 1)
    after = clip72.event_history(stored.id)[0]["after"]  # json wrote it (was: int64 is not JSON serializable)
    assert after["onset"] == 17 and after["confidence"] == 0.5
    json.dumps(stored.to_dict())


def test_numpy_onset_alone_is_ordered_as_a_number(clip72) -> None:
    # np.int64 went to SQLite as a blob, which sorts after every number: "CHECK constraint failed: onset <= apex"
    stored = clip72.add_event(Event(1, np.int64(17), 30, 69, coder="bob"))
    assert clip72.events(np.int64(1)) == [stored]  # a numpy video id finds the video's events too


@pytest.mark.parametrize(("fields", "line"), [
    ({"onset": "1"}, "event: onset must be a whole frame number, got '1'"),
    ({"video_id": None}, "event: video_id must be a whole number, got None"),
    ({"face_id": 0.5}, "event: face_id must be a whole number, got 0.5"),
    ({"confidence": "0.8"}, "event: confidence must be a number within 0..1 or None, got '0.8'"),
    ({"note": None}, "event: note must be text, got None"),
    ({"emotion": float("nan")}, "event: emotion must be text, got nan"),
])
def test_a_field_of_the_wrong_kind_is_one_line_naming_it(fields, line) -> None:
    kw = {"video_id": 1, "onset": 1, "apex": 2, "offset": 3, **fields}
    with pytest.raises(InputError) as err:
        Event(**kw).validated()
    assert one_line(err.value) == line


def test_a_fractional_frame_an_older_file_stored_is_read_as_a_whole_frame(clip72) -> None:
    ev = clip72.add_event(Event(1, 18, 31, 68, coder="bob"))
    with clip72._tx() as con:  # what add_event stored before it refused 0.61 * fps
        con.execute("UPDATE events SET onset = 18.3, apex = 31.5, offset = 68.1 WHERE id = ?", (ev.id,))
    got = clip72.events()[0]
    assert (got.onset, got.apex, got.offset) == (18, 32, 68)
    assert all(type(x) is int for x in (got.onset, got.apex, got.offset))
