"""A library call's refusal names the argument its caller passed as well as the CLI's flag ("(jobs= / --jobs)"), as
c312efc's messages do: these said only "--jobs", "--protocol", "--holdout", "--ablate", "--classes", "--fps" or
"--yes" to a notebook that gave none of them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from merstudio.datasets.classes import class_map
from merstudio.errors import InputError
from merstudio.execution import Backend, backend_from_args
from merstudio.features.neutral import table_fps
from merstudio.interchange.common import ImportPreview, Skip
from merstudio.model.config import ModelConfig
from merstudio.project.events import Event
from merstudio.training.finetune_split import parse_holdout
from merstudio.training.protocols import parse_protocol
from merstudio.training.run import parse_ablate


def _said(call, *args) -> str:
    with pytest.raises(InputError) as exc:
        call(*args)
    return str(exc.value)


def test_training_arguments_are_named():
    assert _said(parse_protocol, "loo") == ("protocol 'loo': expected 'loso', 'lodo' or 'kfold:K' with K >= 2 "
                                            "(protocol= / --protocol)")
    assert _said(parse_holdout, "video:2") == ("holdout 'video:2': the fraction must be between 0 and 1, got 2 "
                                               "(holdout= / --holdout)")
    assert _said(parse_holdout, "frame").startswith("holdout 'frame': expected video, subject, video:FRACTION, "
                                                    "subject:FRACTION or a fraction of the videos (holdout= / "
                                                    "--holdout; ")
    # `merstudio ablate` renames "--ablate" to "--parts" (its flag): the flag and value stay together
    assert _said(parse_ablate, "mswm,lstm").startswith("parts='lstm' / --ablate lstm: unknown part; choose from ")
    assert _said(ModelConfig().ablate, "lstm").startswith("unknown part(s) to switch off: lstm (known: ")
    assert _said(ModelConfig().ablate, "lstm").endswith("; parts= / --ablate)")


def test_jobs_classes_fps_and_skip_bad_are_named():
    jobs = "jobs must be at least 1, got 0 (jobs= / --jobs)"
    assert _said(backend_from_args, 0, None) == jobs
    assert _said(Backend, "processes", 0) == jobs
    assert _said(class_map, "happiness,Happiness") == ("classes 'happiness,Happiness': give each class once, "
                                                       "separated by commas (classes= / --classes)")
    assert _said(table_fps, pd.DataFrame({"frame": [0, 1]})) == ("no timestamp column: give the frame rate "
                                                                  "(fps= / --fps)")
    preview = ImportPreview(Path("e.csv"), "events", events=[Event(1, 0, 1, 2)],
                            skipped=[Skip("e.csv: row 3", "onset after offset")])
    assert _said(preview.accept) == ("e.csv: row 3: onset after offset; nothing imported: fix the file, or confirm "
                                     "skipping 1 item(s) (skip_bad=True / --yes)")
