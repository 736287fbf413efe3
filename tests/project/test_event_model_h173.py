"""Each proposal names the checkpoint that proposed it (schema 7, ``events.model``): set when an analysis run's
proposals are stored, kept through review (accept, edit, undo: the history's before/after), in the events
CSV/XLSX report. A re-run with another checkpoint keeps the reviewed proposals of the first, which the run's row
(it names only the new one) could not tell."""

from __future__ import annotations

import sqlite3
import warnings
from dataclasses import replace
from pathlib import Path

from project_rows import rows
from support.old_projects import old_project_with_an_event

from merstudio.datasets.parse import read_workbook_rows
from merstudio.project import Event, Project
from merstudio.project.analyses import MODEL_IDENTITY
from merstudio.project.export import events_table, export_events_xlsx
from merstudio.project.schema import SCHEMA_VERSION
from merstudio.project.store import ProjectUpgraded

STARTER = {"name": "starter.pt", "sha256": "26e4a6027a09" + "0" * 52, "merstudio_version": "0.1.0"}
OTHER = {"name": "tuned.pt", "sha256": "9f1c2b3a4d5e" + "1" * 52}


def _run(proj: Project, vid: int, identity: dict[str, str] | None, onsets: tuple[int, ...]) -> list[Event]:
    """An analysis run of video `vid` with the checkpoint `identity` (None: the FACS rules), finished with a proposal
    at each onset, as the app's worker stores them (coder "model", no model named: the run knows it)."""
    settings = {MODEL_IDENTITY: identity} if identity else {}
    aid = proj.begin_analysis(vid, settings, model=f"/ckpt/{identity['name']}" if identity else "")
    proj.append_frames(aid, rows(40))
    props = [Event(vid, o, o + 1, o + 3, source="model", status="proposal", coder="model", confidence=0.6)
             for o in onsets]
    swapped = proj.finish_analysis(aid, "complete", proposals=props)
    assert swapped is not None
    return swapped[1]


def test_a_schema_6_project_keeps_its_events_and_they_name_no_model(tmp_path: Path) -> None:
    path = tmp_path / "old.merproj"
    old_project_with_an_event(path, 6, "anna")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProjectUpgraded)
        with Project.open(path) as p:
            assert p.schema_version == SCHEMA_VERSION and p.upgraded_from == 6
            (ev,) = p.events()
            assert (ev.onset, ev.apex, ev.offset, ev.emotion, ev.aus, ev.coder, ev.source, ev.status, ev.model) == \
                (5, 8, 12, "surprise", "1+2", "anna", "manual", "accepted", "")
            edited = p.update_event(replace(ev, note="seen again"))  # the upgraded file takes edits
            assert p.event(ev.id) == edited
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT model FROM events").fetchall() == [("",)]
    finally:
        con.close()
    # the copy kept for the older merstudio is as it was: no model column
    con = sqlite3.connect(tmp_path / "old (merstudio schema 6).merproj")
    try:
        assert "model" not in {r[1] for r in con.execute("PRAGMA table_info(events)")}
    finally:
        con.close()


def test_a_proposal_names_its_checkpoint_through_accept_edit_and_undo(project: Project) -> None:
    vid = project.videos()[0].id
    (prop,) = _run(project, vid, STARTER, (10,))
    assert prop.model == "starter.pt (26e4a6027a09)" == project.event(prop.id).model

    accepted = project.update_event(replace(prop, status="accepted", coder="ann"))  # Y: the reviewer codes it
    edited = project.update_event(replace(accepted, emotion="surprise", apex=12))  # and edits it
    assert project.event(prop.id) == edited and edited.model == "starter.pt (26e4a6027a09)"
    project.update_event(accepted)  # undo the edit,
    project.update_event(prop)  # and the accept
    assert project.event(prop.id) == prop
    gone = project.delete_event(prop.id)  # a delete's undo puts it back by its id
    assert project.add_event(gone) == prop == project.event(prop.id)
    steps = project.event_history(prop.id)
    assert [h["action"] for h in steps] == ["create", "update", "update", "update", "update", "delete", "create"]
    for h in steps:
        for side in ("before", "after"):
            if h[side] is not None:
                assert h[side]["model"] == "starter.pt (26e4a6027a09)", (h["action"], side)


def test_a_rerun_with_another_checkpoint_keeps_the_reviewed_proposals_own(project: Project) -> None:
    vid = project.videos()[0].id
    (first,) = _run(project, vid, STARTER, (10,))
    project.update_event(replace(first, status="accepted", coder="ann"))
    (second,) = _run(project, vid, OTHER, (25,))
    assert second.model == "tuned.pt (9f1c2b3a4d5e)"
    assert project.event(first.id).model == "starter.pt (26e4a6027a09)"  # reviewed under the first run
    # undoing the re-run puts back the first run and its open proposals as they were, models and all
    before = project.proposals(vid)
    project.set_active_analysis(vid, project.previous_analysis(vid).id, proposals=[])
    project.set_active_analysis(vid, project.previous_analysis(vid).id, proposals=before)
    assert [e.model for e in project.proposals(vid)] == ["tuned.pt (9f1c2b3a4d5e)"]
    (facs,) = _run(project, vid, None, (30,))  # the FACS rules: no checkpoint, no model
    assert facs.model == ""

    table = events_table(project, vid).set_index("onset_frame")
    assert table.loc[10, "model"] == "starter.pt (26e4a6027a09)" and table.loc[10, "status"] == "accepted"
    assert table.loc[30, "model"] == "" and table.loc[5, "model"] == ""  # the FACS rules' and a coded event
    assert list(table.columns)[-1] == "model"


def test_an_older_run_without_a_digest_names_the_file(project: Project) -> None:
    vid = project.videos()[0].id
    aid = project.begin_analysis(vid, {}, model="C:\\models\\old.pt")  # stored before 2026-12-07: a path alone
    project.append_frames(aid, rows(40))
    swapped = project.finish_analysis(aid, proposals=[Event(vid, 10, 11, 12, source="model", status="proposal")])
    assert swapped is not None and swapped[1][0].model == "old.pt"


def test_the_xlsx_report_has_the_model_column(project: Project, tmp_path: Path) -> None:
    vid = project.videos()[0].id
    _run(project, vid, STARTER, (10,))
    out = export_events_xlsx(project, tmp_path / "events.xlsx", vid)
    header, *body = read_workbook_rows(out, "events")[1]
    assert header[-1] == "model"
    models = {r[header.index("onset_frame")]: r[-1] for r in body}
    assert models[10] == "starter.pt (26e4a6027a09)" and models[5] in ("", None)  # a coded event: empty
