#!/usr/bin/env bash
# Reproduces the README's model-quality figures ("Model quality on the development data" and "What each part is
# worth") on a dataset you have, with the default configuration and seed 0, and prints them as one table.
#
# Usage: scripts/model_figures.sh DATA [WORKDIR]
#   DATA     what `merstudio train --data` takes: table:/path/to/megc2019-dev (the README's rows),
#            megc2019:/data/megc (the full composite: leave one dataset out then has three sides); it must
#            hold two datasets or more (the leave-one-dataset-out rows)
#   WORKDIR  where the runs go (default build/figures); rerunning resumes: finished folds are kept.
# Environment: JOBS (default 2, one fold per core), SEEDS (ablation seeds, default 10), TRIALS (nested search, 6).
# On 2 CPU cores and the 309-sample development copy: about 11 minutes for the LOSO, half a minute for the
# leave-one-dataset-out row, 26 for the ten-seed ablation and 8 for the nested row (float32; 29.5 minutes in all in
# bfloat16 on a 2-core Xeon with AMX). The same seed gives
# the same figures on the same torch build, CPU kernels and arithmetic (`merstudio doctor` says float32 or bfloat16).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
DATA="$1"
WORK="${2:-build/figures}"
JOBS="${JOBS:-2}"
SEEDS="${SEEDS:-10}"
TRIALS="${TRIALS:-6}"
MS="${MERSTUDIO:-.venv/bin/merstudio}"
PY="${PYTHON:-.venv/bin/python}"
mkdir -p "$WORK"

# leave one dataset out first: it takes seconds, and it stops at once on data that holds only one dataset
"$MS" train --data "$DATA" --protocol lodo --out "$WORK/lodo" --jobs "$JOBS" --no-progress
"$MS" train --data "$DATA" --out "$WORK/loso" --jobs "$JOBS" --no-progress
"$MS" ablate --data "$DATA" --protocol lodo --seeds "$SEEDS" --out "$WORK/ablation" --jobs "$JOBS" --no-progress \
    > "$WORK/ablation.log"
"$MS" train --data "$DATA" --protocol lodo --tune --trials "$TRIALS" --inner kfold:4 --out "$WORK/nested" \
    --jobs "$JOBS" --no-progress

"$PY" - "$WORK" <<'PY'
import json
import sys
from pathlib import Path

work = Path(sys.argv[1])
rows = [("leave one subject out", "loso"), ("leave one dataset out", "lodo"),
        ("leave one dataset out, nested search", "nested")]
metrics = {key: json.loads((work / key / "metrics.json").read_text()) for _, key in rows}
datasets = sorted({d for m in metrics.values() for d in m.get("per_dataset", {})})
print("\n| protocol | UF1 | UAR | " + " | ".join(f"{d} UF1" for d in datasets) + " |")
print("|---|---:|---:|" + "---:|" * len(datasets))
for name, key in rows:
    m = metrics[key]
    per = [f"{m['per_dataset'][d]['uf1']:.3f}" if d in m.get("per_dataset", {}) else "" for d in datasets]
    print(f"| {name} | {m['uf1']:.3f} | {m['uar']:.3f} | " + " | ".join(per) + " |")
print()
print((work / "ablation" / "ablation.md").read_text())
PY
