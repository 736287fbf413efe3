"""A one-video export carries the video's behaviour events (an ELAN file's ``behaviour: <name> (<coder>)`` tiers,
else ``<stem>_behaviours.csv`` beside it; the CLI's wrote none, without a word), merstudio reads its own ELAN file's
behaviour tiers back as behaviour events (they were "unknown tier", nothing imported), and the checkpoint that
proposed an event (``model``) survives ELAN and BORIS tables (audit a98 findings 1, 2, 10; h226)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.merge_copies import behaviour_coding, behaviour_tiers_alone, copy_without_behaviours

from merstudio import interchange as ix
from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.interchange.boris_project import export_losses
from merstudio.project import Project
from merstudio.project.events import Event


@pytest.mark.parametrize("name", ["v.csv", "v.tsv", "v.boris.csv"])
def test_a_one_video_table_export_writes_the_behaviour_events_beside_it(tmp_path: Path, name: str) -> None:
    a, _ = copy_without_behaviours(tmp_path)
    with Project.open(a, read_only=True) as p:
        out = ix.export_project_events(p, p.videos()[0].id, tmp_path / name)
    beside = tmp_path / "v_behaviours.csv"
    assert out == [tmp_path / name, beside] and beside.is_file()
    assert "gaze away" in beside.read_text(encoding="utf-8")


def test_merstudios_own_elan_file_brings_its_behaviour_events_back(tmp_path: Path) -> None:
    a, b = copy_without_behaviours(tmp_path)
    with Project.open(a, read_only=True) as p:
        [eaf] = ix.export_project_events(p, p.videos()[0].id, tmp_path / "v.eaf")
    assert 'TIER_ID="behaviour: gaze away (alice)"' in eaf.read_text(encoding="utf-8")
    with Project.open(b) as p:
        vid = p.videos()[0].id
        prev = ix.preview_import(p, eaf, vid)
        assert not prev.skipped, prev.skipped  # was: unknown tier 'behaviour: gaze away (alice)'
        assert "and 1 behaviour event(s) (gaze away)" in prev.summary()
        ix.commit_import(p, prev)
        assert [(x.name, x.kind) for x in p.behaviours()] == [("gaze away", "state")]
        again = ix.preview_import(p, eaf, vid)  # the same file again: nothing new
        assert (again.behaviour_rows, again.behaviour_duplicates) == ([], 1)
    assert behaviour_coding(b) == [("alice", 50, 60, "")]


def test_an_elan_file_of_behaviour_tiers_alone_imports_and_a_conversion_says_it_leaves_them_out(tmp_path: Path) -> None:
    a, b = copy_without_behaviours(tmp_path)
    eaf = behaviour_tiers_alone(a, tmp_path / "v.eaf")
    read = ix.read_events(eaf, fps=30.0)
    assert any("1 behaviour event(s)" in n and "left out" in n for n in read.notes)
    with Project.open(b) as p:
        prev = ix.preview_import(p, eaf, p.videos()[0].id)
        assert not prev.events and len(prev.behaviour_rows) == 1
        assert not any("left out" in n for n in prev.notes)  # an import adds them: the conversion's note is not its
        ix.commit_import(p, prev)
    assert behaviour_coding(b) == [("alice", 50, 60, "")]


def test_the_cli_export_names_the_behaviour_file_and_the_import_counts_behaviour_events(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = copy_without_behaviours(tmp_path)
    assert main(["convert", "--project", str(a), "--export", str(tmp_path / "v.csv")]) == 0
    assert "and 1 behaviour event(s) to v_behaviours.csv beside it" in capsys.readouterr().out
    assert main(["convert", "--project", str(a), "--export", str(tmp_path / "v.eaf")]) == 0
    assert "1 behaviour event(s) as its 'behaviour: <name> (<coder>)' tiers" in capsys.readouterr().out
    assert main(["convert", "--project", str(b), "--import", str(tmp_path / "v_behaviours.csv")]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == f"imported 1 behaviour event(s) into video 1 of {b}"
    for e in behaviour_coding(b):
        assert e == ("alice", 50, 60, "")
    with Project.open(b) as p:  # start again: the ELAN file's events and behaviour events
        for e in p.behaviour_events():
            p.delete_behaviour_event(e.id)
        for e in p.events():
            p.delete_event(e.id)
    assert main(["convert", "--project", str(b), "--import", str(tmp_path / "v.eaf")]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("imported 2 event(s) and 1 behaviour event(s) into video 1"), last


def test_the_checkpoint_of_a_models_event_survives_elan_and_boris_tables(tmp_path: Path) -> None:
    a, _ = copy_without_behaviours(tmp_path)
    with Project.open(a) as p:
        vid = p.videos()[0].id
        p.add_event(Event(vid, 400, 402, 404, coder="alice", emotion="disgust", source="model", status="accepted",
                          confidence=0.61, model="starter.pt (sha 1a2b; 100%)"))
        evs = p.events(vid)
        for name in ("v.eaf", "v.tsv", "v.boris.csv", "v.xlsx"):
            [out, *_] = ix.export_project_events(p, vid, tmp_path / name)
            back = ix.read_events(out, fps=30.0)
            assert sorted((e.onset, e.model) for e in back.events) == sorted((e.onset, e.model) for e in evs), name
    assert "starter.pt (sha 1a2b; 100%)" in {e.model for e in evs}
    assert "the model checkpoint that proposed 1 event(s)" in export_losses(evs)  # a .boris holds none: said


def test_behaviour_rows_to_skip_are_refused_with_their_reason_not_all_skipped(tmp_path: Path) -> None:
    _, b = copy_without_behaviours(tmp_path)
    f = tmp_path / "x_behaviours.csv"
    f.write_text("behaviour,kind,onset_frame,offset_frame,coder\nnod,point,10,10,carol\nnod,point,900,900,carol\n",
                 encoding="utf-8")
    assert main(["convert", "--project", str(b), "--import", str(f)]) == 2  # refused: --yes to skip the row
    # --yes skips the bad row (the CLI said "nothing to import: all 1 item(s) would be skipped" even with it)
    assert main(["convert", "--project", str(b), "--import", str(f), "--yes"]) == 0
    assert behaviour_coding(b) == [("carol", 10, 10, "")]
    with pytest.raises(InputError):
        with Project.open(b) as p:
            ix.commit_import(p, ix.preview_import(p, f, p.videos()[0].id))


def test_an_events_csv_row_of_a_coder_with_status_proposal_is_noted_by_every_import(tmp_path: Path) -> None:
    f = tmp_path / "ev.csv"
    f.write_text("video,face_id,onset,apex,offset,emotion,coder,source,status\n"
                 "clip.avi,0,10,12,14,surprise,bob,imported,proposal\n", encoding="utf-8")
    read = ix.read_events(f, fps=30.0)
    assert any("1 event(s) of a coder (source manual or imported) have status proposal" in n for n in read.notes)
