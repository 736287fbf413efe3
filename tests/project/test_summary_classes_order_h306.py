"""h306: the summary report's rows of classes come as people read them (names.name_sort_key: ärger, Freude, Zorn),
not by code point (Freude, Zorn, ärger)."""

from __future__ import annotations

from merstudio.project import Event
from merstudio.project.export import summary_table


def test_summary_classes_in_name_order(project) -> None:
    for k, emotion in enumerate(["Zorn", "ärger", "Freude"]):
        project.add_event(Event(1, 2 + k, 3 + k, 4 + k, emotion=emotion, aus="4", coder="ann"))
    table = summary_table(project, 1)
    events = table[(table["measure"] == "events") & (table["face"] == "all") & (table["coder"] == "ann")]
    shown = [c for c in events["category"] if c in {"Zorn", "ärger", "Freude"}]
    assert shown == ["ärger", "Freude", "Zorn"]
