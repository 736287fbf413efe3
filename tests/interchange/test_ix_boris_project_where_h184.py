"""Notes about a .boris project name the observation and the event's time on its clock (a90 finding 9): a project
has no rows its user can find, and "row 2" was the row of a table merstudio made of it."""

from __future__ import annotations

from support.boris_projects import media_observation, write_boris

from merstudio.interchange import read_events


def test_notes_name_the_observation_and_the_time(tmp_path):
    # times as BORIS stores them: media time plus the offset; the second event starts past the media's end
    path = write_boris(tmp_path / "p.boris", {"session 1": media_observation(
        ["/data/clip.mp4"], [[10.5, "", "s", "", "", 15], [11.0, "", "s", "", "", 30],
                             [12.0, "", "s", "", "", 60], [12.5, "", "s", "", "", 75]], lengths=1.5, offset=10.0)})
    notes = read_events(path, fps=30.0).notes
    assert "p.boris: observation 'session 1', event at 10.500 s: no apex; using the middle frame 22" in notes
    assert any(n.endswith("(its Media duration 1.500 s): observation 'session 1', event at 12.000 s") for n in notes)
    assert not any("row" in n for n in notes)
