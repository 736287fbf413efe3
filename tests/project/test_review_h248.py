"""merstudio.project.review: the indexed rule gives what checking every pair gives (same face, overlap of at least
half the shorter interval; only the model's accepted or rejected proposals decide)."""

from __future__ import annotations

import random

from merstudio.project import Event
from merstudio.project.review import decided_proposals, same_interval, unreviewed_proposals


def test_indexed_rule_matches_every_pair():
    rnd = random.Random(248)
    for _ in range(30):
        def ev(status: str, source: str) -> Event:
            on = rnd.randrange(0, 200)
            return Event(1, on, on, on + rnd.randrange(0, 40), face_id=rnd.randrange(2), source=source,
                         status=status)

        props = [ev("proposal", "model") for _ in range(25)]
        others = [ev(rnd.choice(("accepted", "rejected", "proposal")), rnd.choice(("model", "manual", "imported")))
                  for _ in range(25)]
        reviewed = [r for r in others if r.source == "model" and r.status != "proposal"]
        want = [p for p in props if any(same_interval(p, r) for r in reviewed)]
        assert decided_proposals(props, others) == want
        assert unreviewed_proposals(props, others) == [p for p in props if p not in want]


def test_half_the_shorter_interval():
    p = Event(1, 10, 10, 19)  # 10 frames
    assert same_interval(p, Event(1, 15, 15, 40))  # 5 shared of 10
    assert not same_interval(p, Event(1, 16, 16, 40))
    assert not same_interval(p, Event(1, 10, 10, 19, face_id=1))
