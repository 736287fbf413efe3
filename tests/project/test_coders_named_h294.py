"""Who names a coder has one rule, merstudio.project.settings.coders_named (h294): Project.coders lists by it the
coders nothing recorded, and a merge's undo keeps by it a coder it added. The undo's copy compared names as stored:
a coded mark in a Mac's decomposed form ('Zoe' + combining diaeresis, as a project from before h231 may hold) did
not name the recorded 'Zoë', whose record went while Project.coders still listed her."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from support.merge_copies import two_videos_copies

from merstudio.project import Project, settings
from merstudio.project.events import Event
from merstudio.project.merge import apply_merge, plan_merge, undo_merge
from merstudio.project.settings import coded_key

ZOE = "Zo\u00eb"
ZOE_NFD = unicodedata.normalize("NFD", ZOE)


def _recorded(p: Project) -> list[str]:
    return [str(r[0]) for r in p._query("SELECT name FROM coders ORDER BY created, name")]


def test_a_decomposed_coded_mark_keeps_the_coder_the_merge_added(tmp_path: Path) -> None:
    a, b = two_videos_copies(tmp_path)
    with Project.open(b) as p:
        p.add_coder(ZOE)  # recorded in B (NFC), named by nothing there
    with Project.open(a) as p:
        first = p.videos()[0].id
        done = apply_merge(p, plan_merge(p, b))
        assert ZOE in done.coders
        p.set_setting(coded_key(first), [ZOE_NFD])  # as a project from before h231 may hold it
        undone = undo_merge(p, done)
        assert ZOE in _recorded(p) and undone.coders == [ZOE]
        assert ZOE in p.coders()
        assert undone.line() == f"coder {ZOE} kept: coded marks made since the merge name them"


def test_what_names_each_coder(tmp_path: Path) -> None:
    a, _ = two_videos_copies(tmp_path)
    with Project.open(a) as p:
        vid = p.videos()[0].id
        p.add_event(Event(vid, 70, 72, 74, coder="carol", emotion="surprise"))
        p.add_event(Event(vid, 80, 82, 84, coder="model", emotion="surprise", source="model"))  # no coder's
        p.set_setting(coded_key(vid), ["carol", ZOE_NFD])
        p.set_setting("coded:notanid", ["ghost"])
        with p._lock:
            named = settings.coders_named(p._con)
        assert named == {"alice": {"events", "behaviour events"}, "carol": {"events", "coded marks"}, ZOE: {"coded marks"}}
        assert p.coders() == sorted(["alice", "carol", ZOE])
