"""Resuming a run into its JSONL output: records already written are skipped, the rest appended.

claimx writes one line per record, flushed and synced as it goes, in input
order. A run that is stopped (Ctrl-C, SIGTERM, a crash, a power cut) therefore
leaves whole lines, plus at most one torn last line that was being written. To
resume, :func:`load_written` reads the ids already in the file, a line at a
time, and cuts off a torn last line; :class:`Resume` then drops the input records
whose ids were written and passes the rest on. Rerunning the same command with
``--resume`` thus ends with the same file as a run that was never stopped.

Ids are matched by count, not just presence: an id that occurs twice in the
input is skipped twice only if it was written twice. An input record that is
not in the file yet, such as a new article added to a folder, is appended at
the end.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .errors import ClaimxError
from .io import Record


class ResumeError(ClaimxError):
    """The output file cannot be resumed (it is not claimx's JSONL output)."""


@dataclass
class Written:
    """What a JSONL output already holds: each id, and whether it was an error record."""

    path: str
    lines: int = 0
    #: bytes of a torn last line cut off the end of the file
    dropped_bytes: int = 0
    # id -> failed flag, or the flags of each occurrence in order when the id repeats;
    # a dict of bools keeps a million ids in well under 100 MB
    _ids: dict[str, bool | list[bool]] = field(default_factory=dict, repr=False)

    def add(self, record_id: str, failed: bool) -> None:
        seen = self._ids.get(record_id)
        if seen is None:
            self._ids[record_id] = failed
        elif isinstance(seen, list):
            seen.append(failed)
        else:
            self._ids[record_id] = [seen, failed]

    def take(self, record_id: str) -> bool | None:
        """Use up one written occurrence of ``record_id``: its failed flag, or None if none left."""
        seen = self._ids.get(record_id)
        if seen is None:
            return None
        if isinstance(seen, list):
            failed = seen.pop(0)
            if not seen:
                del self._ids[record_id]
            return failed
        del self._ids[record_id]
        return seen


def _line_id(line: bytes) -> tuple[str, bool] | None:
    """(id, failed) of one output line, or None if it is not a claimx record."""
    try:
        record = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        return None
    return record["id"], "error" in record


def load_written(path: str) -> Written:
    """Read the ids in a JSONL output a line at a time, cutting off a torn last line.

    A missing or empty file holds nothing yet. A last line that has no newline
    or is not a whole JSON record was cut short by an interrupted run: it is
    truncated away, and its record runs again. Any other line that is not a
    claimx record raises :class:`ResumeError`: the file is not a claimx output,
    and appending to it would mix two things.
    """
    written = Written(path)
    try:
        stream = open(path, "r+b")
    except FileNotFoundError:
        return written
    except IsADirectoryError:
        raise ResumeError(f"cannot resume into {path}: it is a directory") from None
    except OSError as err:
        raise ResumeError(f"cannot resume into {path}: {err.strerror or err}") from None
    with stream:
        good_end = 0  # end of the last whole line
        pending: tuple[int, bytes] | None = None  # a bad line, fatal unless it is the last
        number = 0
        while line := stream.readline():
            number += 1
            if pending is not None:
                _not_claimx_output(path, *pending)
            parsed = _line_id(line) if line.endswith(b"\n") else None
            if parsed is None:
                if line.strip():
                    pending = (number, line)
                else:  # blank lines never come from claimx, but do no harm
                    good_end = stream.tell()
                continue
            written.add(*parsed)
            written.lines += 1
            good_end = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        if end > good_end:
            stream.truncate(good_end)
            stream.flush()
            os.fsync(stream.fileno())
            written.dropped_bytes = end - good_end
    return written


def _not_claimx_output(path: str, number: int, line: bytes) -> None:
    preview = line[:40].decode("utf-8", "replace").rstrip("\n")
    raise ResumeError(
        f"cannot resume into {path}: line {number} is not a claimx result ({preview!r}); "
        "name another output file, or run without --resume to overwrite it"
    )


class Resume:
    """Filters input records down to those not written yet, counting what it skips."""

    def __init__(self, written: Written) -> None:
        self.written = written
        self.skipped = 0
        self.skipped_failed = 0

    def __call__(self, records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            failed = self.written.take(record.id)
            if failed is None:
                yield record
                continue
            self.skipped += 1
            self.skipped_failed += failed
