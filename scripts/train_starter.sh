#!/usr/bin/env bash
# Reproduces resources/models/starter.pt: the small default checkpoint the app loads on first launch.
#
# It is trained ONLY on synthetic facial motion (merstudio.synth.dataset: AU displacement warps of identities made
# from the public-domain astronaut photograph), never on a licensed dataset. Steps:
#   1. generate the training set (16 synthetic subjects x 24 clips, classes negative/positive/surprise/none,
#      with AU labels) and a separate held-out set of 6 NEW subjects (another seed = other identities);
#   2. `merstudio train`: 4-fold cross-validation by subject (every clip predicted by a model that never saw
#      its subject), then a final model on all 16 subjects -> resources/models/starter.pt;
#   3. `merstudio evaluate` the final model on the held-out subjects (classes and the AU head's per-AU F1/AUC).
# The figures quoted in resources/models/README.md come from run/summary.md and heldout/summary.md.
#
# Usage: scripts/train_starter.sh [WORKDIR]     (default build/starter; 3.5-20 min on 2 CPU cores)
# Deterministic for the seeds below on the same torch build.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${1:-build/starter}"
PY="${PYTHON:-.venv/bin/python}"
OUT=resources/models/starter.pt
EPOCHS="${EPOCHS:-40}"
mkdir -p "$WORK"
# Preprocessing cache inside the work folder, so the run does not depend on ~/.cache.
export MERSTUDIO_CACHE="$WORK/cache"

[ -f "$WORK/train/samples.csv" ] || "$PY" -m merstudio.synth.dataset "$WORK/train" --subjects 16 --samples 24 --seed 0
[ -f "$WORK/heldout/samples.csv" ] || "$PY" -m merstudio.synth.dataset "$WORK/heldout" --subjects 6 --samples 24 --seed 1

# Rare AUs (AU10/14/15/17 are each in a few % of the clips) need a higher positive weight in the AU loss, or the
# AU head ranks them well (AUC) but rarely crosses 0.5.
cat > "$WORK/config.json" <<'JSON'
{"model": {"au_pos_weight": 4.0}}
JSON

# Input: T = 2 onset->frame flow images at 3/4 of onset -> apex and at the apex (u, v, strain; DIS flow on the 128 px
# aligned face, 28 px, per-sample min-max), as merstudio.model.inputs builds them for per-frame inference on video.
# --steps 2 --step-spacing late are the clip defaults (training.data), named so the starter stays reproducible if
# they change.
"$PY" -m merstudio train \
    --data "$WORK/train/samples.csv" \
    --classes negative,positive,surprise,none \
    --protocol kfold:4 --steps 2 --step-spacing late --epochs "$EPOCHS" --seed 0 --device cpu --config "$WORK/config.json" \
    --out "$WORK/run" \
    --final "$OUT" --overwrite

"$PY" -m merstudio evaluate --checkpoint "$OUT" \
    --data "$WORK/heldout/samples.csv" --classes negative,positive,surprise,none \
    --out "$WORK/heldout_eval" --device cpu --overwrite

ls -l "$OUT"
echo "cross-validation: $WORK/run/summary.md   held-out subjects: $WORK/heldout_eval/summary.md"
