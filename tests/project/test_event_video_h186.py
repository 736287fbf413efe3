"""An event of a video the project has not, or past its video's end, is one InputError line from
Project.add_event / add_events / update_event (a91 findings 2, 3): not SQLite's bare "FOREIGN KEY constraint failed",
nor stored to have `merstudio agreement` refuse the whole project later. An import's preview cuts or skips such events
before (interchange.fit_to_video): the store holds the same rule."""

from __future__ import annotations

import pytest
from support.messages import one_line

from merstudio.errors import InputError
from merstudio.project import Event, Project


def test_a_video_the_project_has_not_is_named(clip72) -> None:
    with pytest.raises(InputError) as err:
        clip72.add_event(Event(7, 17, 30, 69, coder="bob"))
    assert one_line(err.value) == ("event frames 17-69: no video 7 in study.merproj (its video ids: 1); add the video "
                             "first (Project.add_source)")
    with pytest.raises(InputError, match="no video 7"):
        clip72.add_events([Event(7, 17, 30, 69, coder="bob")])
    assert clip72.events() == []


def test_an_event_past_the_videos_end_is_refused_naming_its_frames(clip72) -> None:
    with pytest.raises(InputError) as err:
        clip72.add_event(Event(1, 600, 1000, 2300, coder="bob"))
    assert one_line(err.value) == ("event frames 600-2300: past the end of clip.mp4 (video 1), which has 72 frames (0-71); "
                             "end it by frame 71")
    with pytest.raises(InputError, match="past the end of clip.mp4"):
        clip72.add_events([Event(1, 60, 65, 72, coder="bob")])
    last = clip72.add_event(Event(1, 60, 65, 71, coder="bob"))  # the last frame is within it
    with pytest.raises(InputError, match="past the end of clip.mp4"):
        clip72.update_event(Event(1, 60, 65, 80, coder="bob", id=last.id))
    with pytest.raises(InputError, match="no video 9"):
        clip72.update_event(Event(9, 60, 65, 71, coder="bob", id=last.id))
    assert clip72.events() == [last]


def test_a_video_of_unknown_length_takes_any_frame(tmp_path) -> None:
    with Project.create(tmp_path / "s.merproj") as p:
        v = p.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=0, width=64, height=48)
        assert p.add_event(Event(v.id, 600, 1000, 2300)).offset == 2300


def test_an_older_files_event_past_the_end_can_still_be_edited_and_put_back(clip72) -> None:
    ev = clip72.add_event(Event(1, 60, 65, 71, coder="bob"))
    with clip72._tx() as con:  # as a file stored before the check holds it
        con.execute("UPDATE events SET offset = 90 WHERE id = ?", (ev.id,))
    old = clip72.event(ev.id)
    assert old is not None and old.offset == 90
    edited = clip72.update_event(Event(1, 60, 65, 90, emotion="happiness", coder="bob", id=ev.id))  # frames kept
    assert clip72.events() == [edited]
    clip72.delete_event(ev.id)
    clip72.add_event(edited)  # undo of the delete puts it back as it was
    assert clip72.events() == [edited]
