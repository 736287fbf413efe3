"""A video's place (play head, timeline zoom: merstudio.gui.places) is one of its own project settings: removing
the video removes it, so a video added later under the same id does not open where the removed one was left."""

from __future__ import annotations


def test_a_removed_videos_place_goes_with_it(project, tmp_path) -> None:
    vid = project.videos()[0].id
    key = f"view_place/{vid}"  # merstudio.gui.places.place_key
    project.set_setting(key, {"frame": 30, "range": [10.5, 35.5]})
    project.remove_video(vid)
    assert project.get_setting(key) is None  # was: kept, and given to the next video with this id
