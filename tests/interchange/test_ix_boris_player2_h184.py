"""A BORIS observation of two players (a90 finding 8): the file player 2 plays is named as such, not refused as
"not one of them" (nor, where player 1 plays one file, imported onto it with "imported anyway")."""

from __future__ import annotations

import pytest
from support.boris_projects import media_observation, write_boris

from merstudio.errors import InputError
from merstudio.interchange import read_events


def _two_players(path, player1=("/home/user/video/video1.mp4",)):
    """An observation as BORIS 8 saves one of two players (tests/files/test.boris's '2 video'), and another one."""
    obs = media_observation(list(player1), [[1.0, "", "s", "", "", 25], [2.0, "", "s", "", "", 50]], fps=25.0,
                            lengths=10.0, player2=["/home/user/video/video2.mp4"])
    return write_boris(path, {"2 video": obs})


@pytest.mark.parametrize("player1", [("/home/user/video/video1.mp4",), ("/v/a.mp4", "/home/user/video/video1.mp4")])
def test_player_2s_video_is_named_as_such(tmp_path, player1):
    with pytest.raises(InputError, match=r"'video2.mp4' plays in player 2 of observation '2 video'.*player 1's "
                                         r"media only \(.*video1.mp4.*--video"):
        read_events(_two_players(tmp_path / "p.boris", player1), fps=25.0, video_name="video2.mp4")
    # player 1's video reads as before (where it plays after a.mp4, the events lie in a.mp4)
    assert len(read_events(tmp_path / "p.boris", fps=25.0, video_name="video1.mp4").events) == 2 - len(player1)
