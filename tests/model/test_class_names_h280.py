"""A lab's class names have one spelling (h280, audit a105 findings 2 and 8): the per-frame column of a class is
p_<its own name>, so that every view reading a column's tail (legends, readouts, a reopened project's choices) spells
'class i' as the checkpoint does; an older column (p_class_i), a coder's 'Class I' and the model's 'class i' compare
as one class (model.columns.class_key) in fine-tuning and proposals; training keeps the table's spelling."""

from __future__ import annotations

import pandas as pd

from merstudio.analysis.proposals import describe_interval
from merstudio.datasets.classes import class_map
from merstudio.model.columns import class_column, class_key, class_name
from merstudio.training.finetune_split import label_resolver

LAB = ["Class I", "class ii", "happily surprised", "positive surprise", "none"]


def test_a_class_column_names_its_class_back() -> None:
    for name in LAB:
        assert class_name(class_column(name)) == name  # no model needed: the column's tail is the name
        assert class_name(class_column(name), LAB) == name
    assert class_column("Class I") != class_column("class ii")


def test_an_older_column_is_the_models_class_by_its_key() -> None:
    # columns written before h280 turned spaces into '_': with the model's classes known, they name its class
    assert class_name("p_class_ii", LAB) == "class ii" and class_name("p_Class_I", LAB) == "Class I"
    assert class_name("p_class_ii") == "class_ii"  # no classes known: the tail, which compares equal by key
    assert class_key("class_ii") == class_key("Class  II") == class_key("class ii") == "class ii"
    assert class_key("happily-surprised") == class_key("Happily Surprised")


def test_a_proposal_names_the_class_from_a_new_column_without_the_names() -> None:
    rows = pd.DataFrame({"frame": range(5), "success": 1, "p_class ii": [.8] * 5, "p_none": [.2] * 5})
    assert describe_interval(rows).emotion == "class ii"
    old = rows.rename(columns={"p_class ii": "p_class_ii"})
    assert describe_interval(old, class_names=LAB).emotion == "class ii"


def test_finetuning_takes_every_spelling_of_a_class() -> None:
    # the app offered 'class_i' on a reopened project: fine-tuning dropped those events as no class of the model
    resolve = label_resolver(["class i", "class ii", "none"])
    assert resolve("class_i") == "class i" and resolve("Class I") == "class i" and resolve("class  ii") == "class ii"
    assert resolve("class iii") is None


def test_training_keeps_the_tables_spelling_and_merges_its_case_variants() -> None:
    raw = class_map("raw")
    assert raw.lookup("table", "Class I") == "Class I"  # was lower-cased: 'class i'
    assert raw.lookup("table", "class  i") == "Class I"  # one class, as first spelled
    assert raw.lookup("table", "Class VII") == "Class VII"
    assert class_map("raw").lookup("table", "class i") == "class i"  # another table: its own spelling
    custom = class_map("Happiness,Disgust")  # an explicit list kept its case before too: one rule now
    assert custom.lookup("table", "happiness") == "Happiness"
