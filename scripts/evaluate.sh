#!/usr/bin/env bash
# Dev figures: run claimx once over an annotated JSONL and score the same predictions
# with claimx's own scorer (claimx.evaluate) and with the shared reference scorers
# (score.py, and score_speakers.py when speaker-resolution gold is given).
#
#   scripts/evaluate.sh                          # ../shared/eval/dev.jsonl + dev_speakers.jsonl
#   scripts/evaluate.sh GOLD.jsonl [SPEAKERS.jsonl]
# Also runs scripts/eval_topics.py when EVAL_DIR has topics_dev.jsonl (topic accuracy).
#
# Environment:
#   PYTHON        interpreter with claimx installed (default: .venv/bin/python, else python3)
#   CLAIMX_MODEL  base spaCy pipeline (as for `claimx --model`)
#   CLAIMX_TRAINED  0 to score the rules alone (`claimx --no-trained`); default 1
#   EVAL_DIR      where score.py and score_speakers.py live (default: ../shared/eval)
#   OUT           output directory (default: build/eval)
#
# Writes OUT/pred.jsonl (claimx output), OUT/claimx.json (claimx scores), OUT/score.json
# and OUT/score_speakers.json (reference scores). Exits 1 if any headline figure of the
# two scorers differs by more than 0.005.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EVAL_DIR=${EVAL_DIR:-$ROOT/../shared/eval}
if [[ $# -gt 0 ]]; then
    GOLD=$1
    SPEAKERS=${2:-}
else
    GOLD=$EVAL_DIR/dev.jsonl
    SPEAKERS=$EVAL_DIR/dev_speakers.jsonl
fi
OUT=${OUT:-$ROOT/build/eval}
if [[ -z ${PYTHON:-} ]]; then
    if [[ -x $ROOT/.venv/bin/python ]]; then PYTHON=$ROOT/.venv/bin/python; else PYTHON=python3; fi
fi

for f in "$GOLD" "$EVAL_DIR/score.py" ${SPEAKERS:+"$SPEAKERS"}; do
    [[ -f $f ]] || { echo "evaluate.sh: error: $f not found" >&2; exit 1; }
done
mkdir -p "$OUT"

echo "== claimx scorer (claimx.evaluate) on $GOLD" >&2
"$PYTHON" - "$GOLD" "$SPEAKERS" "$OUT" <<'PY'
import json, os, sys
from pathlib import Path

from rich.console import Console

from claimx.evaluate import evaluate_file, report_table
from claimx.pipeline import load_pipeline

gold, speakers, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
speakers_path = Path(speakers) if speakers else None
scores, predictions = evaluate_file(
    gold, load_pipeline(trained=os.environ.get("CLAIMX_TRAINED", "1") != "0"), speakers_path=speakers_path
)
with (out / "pred.jsonl").open("w", encoding="utf-8") as fh:
    for article in predictions:
        fh.write(json.dumps(article, ensure_ascii=False) + "\n")
(out / "claimx.json").write_text(json.dumps(scores, indent=2), encoding="utf-8")
Console().print(report_table(scores))
PY

echo "== shared score.py" >&2
"$PYTHON" "$EVAL_DIR/score.py" "$GOLD" "$OUT/pred.jsonl"
"$PYTHON" "$EVAL_DIR/score.py" "$GOLD" "$OUT/pred.jsonl" --json > "$OUT/score.json"
if [[ -n $SPEAKERS ]]; then
    echo "== shared score_speakers.py" >&2
    "$PYTHON" "$EVAL_DIR/score_speakers.py" "$SPEAKERS" "$OUT/pred.jsonl"
    "$PYTHON" "$EVAL_DIR/score_speakers.py" "$SPEAKERS" "$OUT/pred.jsonl" --json \
        > "$OUT/score_speakers.json"
fi

if [[ -f $EVAL_DIR/topics_dev.jsonl && -f $EVAL_DIR/score_topics.py ]]; then
    echo "== topics: scripts/eval_topics.py (check half of topics_dev.jsonl)" >&2
    "$PYTHON" "$ROOT/scripts/eval_topics.py" --gold "$EVAL_DIR/topics_dev.jsonl" \
        --scorer "$EVAL_DIR/score_topics.py" --out "$OUT"
fi

echo "== agreement" >&2
"$PYTHON" - "$OUT" <<'PY'
import json, sys
from pathlib import Path

from claimx.evaluate import headline_figures

out = Path(sys.argv[1])
ours = json.loads((out / "claimx.json").read_text(encoding="utf-8"))
theirs = json.loads((out / "score.json").read_text(encoding="utf-8"))
a, b = headline_figures(ours), headline_figures(theirs)
diff = {k: abs(a[k] - b.get(k, float("nan"))) for k in a.keys() | b.keys() if k in a and k in b}
worst = max(diff.values(), default=0.0)
ok = a.keys() == b.keys() and worst <= 0.005
print(f"claimx vs score.py: {len(diff)} headline figures, max |difference| {worst:.6f}"
      f" -> {'agree' if ok else 'DISAGREE'}")
print(f"offset errors in claimx output: {ours['offset_errors']}")
spk = out / "score_speakers.json"
if "speakers" in ours and spk.is_file():
    same = ours["speakers"] == json.loads(spk.read_text(encoding="utf-8"))
    ok = ok and same
    print(f"claimx vs score_speakers.py: {'identical' if same else 'DIFFERENT'}")
sys.exit(0 if ok else 1)
PY
