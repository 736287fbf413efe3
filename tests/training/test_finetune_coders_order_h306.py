"""h306: a fine-tuning names the coders it trained on as people read them (names.name_sort_key: alice, Änne, Bob,
Zoë; was Bob, Zoë, alice, Änne): its 'trained on ... events by' line and the checkpoint's record."""

from __future__ import annotations

import sqlite3

from support.finetune_project import project_fixtures

import merstudio.training.finetune as F
from merstudio.model import read_checkpoint_meta

built, cache, proj = project_fixtures("fth306")

NAMES = ["Bob", "Zoë", "alice", "Änne"]


def test_the_trained_coders_in_name_order(proj, cache) -> None:
    path, ckpt = proj
    con = sqlite3.connect(path)
    ids = [r[0] for r in con.execute("SELECT id FROM events WHERE source = 'manual' ORDER BY id")]
    with con:  # every video's events by all four coders, whichever video is held out
        con.executemany("UPDATE events SET coder = ? WHERE id = ?", [(NAMES[k % 4], i) for k, i in enumerate(ids)])
    con.close()
    res = F.finetune(path, ckpt, epochs=1, cache_dir=cache)
    assert [c for c in res.coders if c != "model"] == ["alice", "Änne", "Bob", "Zoë"]  # model: accepted proposals
    assert read_checkpoint_meta(res.checkpoint)["finetune"]["coders"] == res.coders
