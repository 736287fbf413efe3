"""BORIS files of two coders of one session (a90 finding 2): BORIS's own files name no coder, and the observation id
they would take instead names the session, which both coders' files share. The user's coder (--coder) wins over it,
and an independent variable ``Coder`` (any case) is the file's coder."""

from __future__ import annotations

from support.boris_projects import media_observation, write_boris

from merstudio.interchange import commit_import, preview_import, read_events

# BORIS 7's tabular events export (tests/files/test_export_events_tabular.tsv's layout: the observation's block,
# its independent variables, then one row per START / STOP), at 30 fps on the project's clip.mp4 (100 frames)
_BLOCK = ("Observation id\tsession 1\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\t\nMedia file(s)\t\t\t\t\t\t\t\t\n"
          "\t\t\t\t\t\t\t\t\nPlayer #1\tclip.mp4\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\t\n"
          "Observation date\t2016-11-27 01:57:26\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\t\n"
          "Time offset (s)\t0.0\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\t\nindependent variables\t\t\t\t\t\t\t\t\n"
          "variable\tvalue\t\t\t\t\t\t\t\n{variables}\t\t\t\t\t\t\t\t\n"
          "Time\tMedia file path\tTotal length\tFPS\tSubject\tBehavior\tBehavioral category\tComment\tStatus\n")


def _tabular(path, entries, variables="a\t12\t\t\t\t\t\t\n"):
    rows = [f"{t:.3f}\tclip.mp4\t3.334\t30.0\tsubject1\t{code}\t\t\t{flag}" for t, code, flag in entries]
    path.write_text(_BLOCK.format(variables=variables.rstrip("\n")) + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _boris(path, variables):
    """A .boris project (BORIS 8's layout) with one observation 'session 1' on clip.mp4."""
    obs = media_observation(["/data/clip.mp4"], [[0.5, "subject1", "s", "", "", 15], [1.0, "subject1", "s", "", "", 30]],
                            lengths=3.334, variables=variables)
    return write_boris(path, {"session 1": obs}, subjects=["subject1"], variables=variables)


def test_coder_given_wins_over_the_observation_id(tmp_path, project):
    vid = project.videos()[0].id
    alice = _tabular(tmp_path / "alice.tsv", [(0.5, "s", "START"), (1.0, "s", "STOP")])
    bob = _tabular(tmp_path / "bob.tsv", [(0.6, "s", "START"), (1.0, "s", "STOP")])  # the same event, a bit later
    commit_import(project, preview_import(project, alice, vid, coder="alice"))
    prev = preview_import(project, bob, vid, coder="bob")
    assert {e.coder for e in prev.events} == {"bob"} and prev.file_coders == ["bob"]
    # no "a corrected file of the same coder?" hint (its --replace removed alice's event)
    assert not any("overlap" in n for n in prev.notes)
    commit_import(project, prev)
    assert sorted((e.coder, e.onset) for e in project.events(vid)) == [("alice", 15), ("bob", 18)]
    # bob's corrected file replaces bob's events, never alice's
    again = preview_import(project, bob, vid, coder="bob", replace=True)
    assert {e.coder for e in again.replaces} <= {"bob"}


def test_without_a_coder_the_observation_id_stays_the_fallback(tmp_path, project):
    prev = preview_import(project, _tabular(tmp_path / "a.tsv", [(0.5, "s", "START"), (1.0, "s", "STOP")]),
                          project.videos()[0].id)
    assert {e.coder for e in prev.events} == {"session 1"}


def test_a_tabular_exports_coder_variable_in_any_case(tmp_path):
    path = _tabular(tmp_path / "a.tsv", [(0.5, "s", "START"), (1.0, "s", "STOP")], variables="Coder\tzoe\n")
    assert {e.coder for e in read_events(path, fps=30.0).events} == {"zoe"}


def test_a_projects_coder_variable_in_any_case_and_the_coder_given(tmp_path, project):
    vid = project.videos()[0].id
    assert {e.coder for e in read_events(_boris(tmp_path / "a.boris", {"Coder": "zoe"}), fps=30.0).events} == {"zoe"}
    plain = _boris(tmp_path / "b.boris", {})
    assert {e.coder for e in read_events(plain, fps=30.0).events} == {"session 1"}
    prev = preview_import(project, plain, vid, coder="bob")
    assert {e.coder for e in prev.events} == {"bob"} and prev.file_coders == ["bob"]
    # the file's own coder is kept, and said to be so
    named = preview_import(project, _boris(tmp_path / "c.boris", {"CODER": "zoe"}), vid, coder="bob")
    assert {e.coder for e in named.events} == {"zoe"}
    assert any("name their coder(s) zoe" in n for n in named.notes)
