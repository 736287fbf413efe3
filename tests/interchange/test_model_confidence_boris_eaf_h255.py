"""BORIS tables and ELAN files carry the model's number apart from the coder's (h255, after h250's split of an event's
two numbers): a table writes ``Confidence`` (the coder's own rating) and ``Model confidence`` (the model's
probability), an .eaf's meta annotation ``confidence=`` and ``model_confidence=``, and each is read back into its
own field. Before, both wrote the coder's alone: an open proposal's 0.44 was lost, and a table or .eaf of before
(the model's number in Confidence on a model's row) read it as a coder's rating. A BORIS project holds neither:
its export's note counts the model's too."""

from __future__ import annotations

import csv
import re
from dataclasses import replace

import pytest

from merstudio.interchange import Media, read_boris, read_eaf, write_boris, write_boris_project, write_eaf
from merstudio.interchange.boris_project import export_losses
from merstudio.project.events import Event


def _events() -> list[Event]:
    return [
        # no checkpoint ran: alice accepted the proposal and gave her own 0.75
        Event(0, 5, 6, 7, emotion="happiness", aus="12", coder="alice", confidence=0.75, source="model",
              status="accepted"),
        # the model said 0.83; bob accepted it and rated it 0.6 himself
        Event(0, 10, 11, 12, emotion="disgust", aus="10", coder="bob", confidence=0.6, model_confidence=0.83,
              source="model", status="accepted", model="starter.pt (26e4a6027a09)"),
        # an open proposal: the model's number alone
        Event(0, 20, 22, 24, emotion="surprise", aus="1+2", model_confidence=0.44, source="model", status="proposal",
              coder="model"),
        # a rejected proposal the coder rated
        Event(0, 40, 41, 42, emotion="fear", aus="4", model_confidence=0.3, confidence=0.2, source="model",
              status="rejected", coder="bob"),
        # a coder's own event
        Event(0, 30, 31, 32, emotion="fear", aus="4", coder="alice", confidence=0.9),
    ]


def _pairs(evs) -> list[tuple[int, float | None, float | None]]:
    return sorted((e.onset, e.confidence, e.model_confidence) for e in evs)


def _media(tmp_path) -> Media:
    return Media(str(tmp_path / "clip.mp4"), fps=30.0, frame_count=99)


@pytest.mark.parametrize("fmt", ["tsv", "csv", "xlsx"])
def test_a_boris_table_writes_and_reads_both_numbers(tmp_path, fmt):
    path = write_boris(_events(), tmp_path / f"coded.{fmt}", _media(tmp_path))
    back = read_boris(path, fps=30.0)
    assert not back.skipped, back.skipped
    assert _pairs(back.accept()) == _pairs(_events())


def test_a_boris_tables_columns_say_whose_number(tmp_path):
    path = write_boris(_events(), tmp_path / "coded.tsv", _media(tmp_path))
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = {int(r["Start frame"]): (r["Confidence"], r["Model confidence"])
                for r in csv.DictReader(f, delimiter="\t")}
    assert rows == {5: ("0.75", ""), 10: ("0.6", "0.83"), 20: ("", "0.44"), 30: ("0.9", ""), 40: ("0.2", "0.3")}


def test_a_boris_table_of_before_reads_a_model_rows_number_as_the_models(tmp_path):
    # our table before 2026-12-07: no Model confidence column, the model's number in Confidence on a model's row
    path = write_boris(_events(), tmp_path / "new.tsv", _media(tmp_path))
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    old = [{**r, "Confidence": r["Model confidence"] or r["Confidence"]} for r in rows]
    header = [c for c in rows[0] if c != "Model confidence"]
    with open(tmp_path / "old.tsv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, header, delimiter="\t", extrasaction="ignore")
        w.writeheader()
        w.writerows(old)
    back = read_boris(tmp_path / "old.tsv", fps=30.0).accept()
    # a model's row: the model's; a coder's own event: the coder's
    assert _pairs(back) == [(5, None, 0.75), (10, None, 0.83), (20, None, 0.44), (30, 0.9, None), (40, None, 0.3)]


def test_an_eaf_writes_and_reads_both_numbers(tmp_path):
    path = write_eaf(_events(), tmp_path / "coded.eaf", _media(tmp_path))
    text = path.read_text(encoding="utf-8")
    assert "source=model; model_confidence=0.44" in text
    # a model's event without the model's number says so (empty), so that it is not read as a file of before
    assert "confidence=0.75; status=accepted; source=model; model_confidence=</ANNOTATION_VALUE>" in text
    back = read_eaf(path, fps=30.0)
    assert not back.skipped, back.skipped
    assert _pairs(back.accept()) == _pairs(_events())


def test_an_eaf_of_before_reads_a_model_events_number_as_the_models(tmp_path):
    # as an .eaf before 2026-12-07 wrote it: one number, in confidence (a model's event's the model's where it had
    # one), and no model_confidence
    one_number = [replace(e, confidence=e.model_confidence or e.confidence, model_confidence=None) for e in _events()]
    path = write_eaf(one_number, tmp_path / "coded.eaf", _media(tmp_path))
    text = re.sub(r"; model_confidence=(?=[;<])", "", path.read_text(encoding="utf-8"))
    assert "model_confidence" not in text and "confidence=0.44; status=proposal; source=model" in text
    (tmp_path / "old.eaf").write_text(text, encoding="utf-8")
    back = read_eaf(tmp_path / "old.eaf", fps=30.0).accept()
    assert _pairs(back) == [(5, None, 0.75), (10, None, 0.83), (20, None, 0.44), (30, 0.9, None), (40, None, 0.3)]


def test_an_eaf_with_a_bad_model_confidence_skips_the_event_saying_so(tmp_path):
    path = write_eaf(_events(), tmp_path / "coded.eaf", _media(tmp_path))
    (tmp_path / "bad.eaf").write_text(path.read_text(encoding="utf-8").replace("model_confidence=0.44",
                                                                               "model_confidence=high"))
    prev = read_eaf(tmp_path / "bad.eaf", fps=30.0)
    assert [s.reason for s in prev.skipped] == ["bad model confidence 'high'"]
    assert 20 not in [e.onset for e in prev.accept(skip_bad=True)]


def test_a_boris_projects_note_counts_the_models_number_too(tmp_path):
    proposal = Event(0, 20, 22, 24, emotion="surprise", model_confidence=0.44, source="imported", status="accepted")
    line = export_losses([proposal])
    assert "confidence of 1 event(s)" in line
    write_boris_project([proposal], tmp_path / "p.boris", _media(tmp_path))  # what it says: not written
    assert "0.44" not in (tmp_path / "p.boris").read_text(encoding="utf-8")
