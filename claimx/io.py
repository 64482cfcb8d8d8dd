"""Reading articles: text files in any common encoding, HTML pages, JSONL records,
directories, stdin.

Everything here turns inputs into :class:`Record` values, lazily and in order.
A file or line that cannot be read becomes a record with ``error`` set (never an
exception), so a run over many inputs reports each bad one and goes on. Only the
input as a whole failing (a single missing file, a directory with nothing to read)
raises :class:`~claimx.errors.InputError`.

No spaCy here: reading is independent of processing.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

from .errors import InputError

#: Default limit on the characters of one article (``--max-chars``).
MAX_CHARS = 1_000_000
#: Name of standard input on the command line and in ids.
STDIN = "-"
#: Extensions picked up when walking a directory, and how each is read.
TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
DIRECTORY_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSON_SUFFIXES + JSONL_SUFFIXES

# UTF-8 takes at most 4 bytes a character, so a file this much larger than the
# character limit is too long without reading it.
_MAX_BYTES_PER_CHAR = 4
# A JSONL line may escape every character (\uXXXX: 6 bytes), and carry metadata.
_MAX_JSON_BYTES_PER_CHAR = 6
_JSONL_META_ALLOWANCE = 1 << 20
# An HTML page carries several times its text in markup; the limit on the page
# itself is this many times the limit on its text.
_HTML_MARKUP_FACTOR = 10
# Share of control characters above which decoded "text" is taken for binary.
_MAX_CONTROL_SHARE = 0.05
# cp1252 is by far the commonest non-UTF-8 encoding of English news text, and
# charset-normalizer often names a sibling (cp1250, mac_roman) for short Latin
# texts; keep cp1252 unless its reading looks like mojibake.
_CP1252_MAX_MESS = 0.2
# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


class SourceError(InputError):
    """An input that cannot be read; ``source`` names it, ``reason`` says why."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class Record:
    """One article to process, or the reason it could not be read (``error``)."""

    id: str
    text: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    note: str | None = None  # something the user should hear about, e.g. the encoding used

    @classmethod
    def failed(cls, record_id: str, reason: str, meta: dict[str, Any] | None = None) -> Record:
        return cls(id=record_id, meta=dict(meta or {}), error=reason)


@dataclass
class Source:
    """The records of a run, plus whether they are a single plain article.

    ``single`` is decided by the inputs, not by what they contain: one text file
    (or stdin read as one article) is written as one JSON object, anything else
    (several files, a directory, JSONL) as an array. ``files`` lists the files the
    run will read, in order (known up front: directories are walked when the
    source is opened); ``streamed`` is true when stdin is among the inputs.
    """

    records: Iterator[Record]
    single: bool
    files: list[str] = field(default_factory=list)
    streamed: bool = False

    def size(self) -> int | None:
        """Bytes of input, or None when part of it is a stream of unknown length."""
        if self.streamed:
            return None
        total = 0
        for path in self.files:
            with contextlib.suppress(OSError):
                total += os.path.getsize(path)
        return total

    def estimate_records(self) -> int | None:
        """About how many records the run has (for a progress bar), or None if unknown.

        A JSONL file counts its lines, read in chunks (memory stays bounded); a
        JSON file counts as one record whatever it holds.
        """
        if self.streamed:
            return None
        total = 0
        for path in self.files:
            if os.path.splitext(path)[1].lower() in JSONL_SUFFIXES:
                total += _count_lines(path)
            else:
                total += 1
        return total


def _count_lines(path: str) -> int:
    count, last = 0, b"\n"
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                count += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 1  # it becomes one error record
    return max(1, count + (last != b"\n"))


# --------------------------------------------------------------------------- decoding


def _too_long(n_chars: int, max_chars: int) -> str:
    return (
        f"too long: {n_chars:,} characters, the limit is {max_chars:,} (raise it with --max-chars)"
    )


def _too_large(n_bytes: int, max_chars: int) -> str:
    return (
        f"too long: {_size(n_bytes)}, more than the limit of {max_chars:,} characters "
        "(raise it with --max-chars)"
    )


def _size(n_bytes: int) -> str:
    if n_bytes < 1000:
        return f"{n_bytes} bytes"
    if n_bytes < 1_000_000:
        return f"{n_bytes / 1e3:.1f} kB"
    return f"{n_bytes / 1e6:.1f} MB"


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    if not text:
        return False
    controls = sum(1 for ch in text if ch not in "\t\n\r\f\v" and unicodedata.category(ch) == "Cc")
    return controls / len(text) > _MAX_CONTROL_SHARE


def _guess_encoding(data: bytes) -> tuple[str, str] | None:
    """(encoding, text) for bytes that are not UTF-8, or None if they are not text."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    else:
        if mess_ratio(text, 1.0) <= _CP1252_MAX_MESS:
            return "cp1252", text
    best = from_bytes(data).best()
    if best is None:
        return None
    return best.encoding, str(best)


def decode_bytes(data: bytes, name: str) -> tuple[str, str | None]:
    """Decode the bytes of a text file: UTF-8 first, else the likeliest common encoding.

    Returns ``(text, note)``; ``note`` says which encoding was used when it was not
    UTF-8. Raises ``SourceError`` for binary data.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                break  # a stray mark: judge the bytes as they are
            if _looks_binary(text):
                raise SourceError(name, "binary file, not text")
            note = None if encoding == "utf-8" else f"{name}: not UTF-8, decoded as {encoding}"
            return text, note
    if b"\x00" in data:
        raise SourceError(name, "binary file, not text")
    note = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        guess = _guess_encoding(data)
        if guess is None:
            raise SourceError(name, "binary file, not text") from None
        encoding, text = guess
        note = f"{name}: not UTF-8, decoded as {encoding}"
    if _looks_binary(text):
        raise SourceError(name, "binary file, not text")
    return text, note


def _checked_text(text: str, name: str, max_chars: int) -> str:
    if not text.strip():
        raise SourceError(name, "empty file" if not text else "only whitespace, no text")
    if len(text) > max_chars:
        raise SourceError(name, _too_long(len(text), max_chars))
    return text


def read_text_file(path: str | Path, max_chars: int = MAX_CHARS) -> tuple[str, str | None]:
    """Read one article from a text file; returns ``(text, note)``.

    Raises ``SourceError`` (an ``InputError``) if the file is missing, binary,
    empty, or longer than ``max_chars`` characters.
    """
    name = str(path)
    try:
        with open(path, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > max_chars * _MAX_BYTES_PER_CHAR:
                raise SourceError(name, _too_large(size, max_chars))
            data = stream.read(max_chars * _MAX_BYTES_PER_CHAR + 1)
    except FileNotFoundError:
        raise SourceError(name, "no such file") from None
    except IsADirectoryError:
        raise SourceError(name, "is a directory") from None
    except PermissionError:
        raise SourceError(name, "permission denied") from None
    except OSError as err:
        raise SourceError(name, f"cannot read: {err.strerror or err}") from None
    if len(data) > max_chars * _MAX_BYTES_PER_CHAR:  # a pipe or device: no size up front
        raise SourceError(name, _too_large(len(data), max_chars))
    text, note = decode_bytes(data, name)
    return _checked_text(text, name, max_chars), note


def read_text_stream(
    stream: BinaryIO, name: str = STDIN, max_chars: int = MAX_CHARS
) -> tuple[str, str | None]:
    """Read one article from a binary stream (stdin); like :func:`read_text_file`."""
    limit = max_chars * _MAX_BYTES_PER_CHAR
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise SourceError(name, _too_large(len(data), max_chars))
    text, note = decode_bytes(data, name)
    return _checked_text(text, name, max_chars), note


# --------------------------------------------------------------------------- records


def _record_id(raw: Any, default: str) -> str | None:
    if raw is None:
        return default
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        return None
    return str(raw)


def parse_record(obj: Any, default_id: str, max_chars: int = MAX_CHARS) -> Record:
    """The record for one parsed JSON value: ``{"id"?, "text", ...}``, the rest kept as meta."""
    if not isinstance(obj, dict):
        return Record.failed(default_id, f"not a JSON object but {_json_type(obj)}")
    record_id = _record_id(obj.get("id"), default_id)
    if record_id is None:
        return Record.failed(default_id, "'id' must be a string or a number")
    nested = obj.get("meta")
    meta = dict(nested) if isinstance(nested, dict) else {}
    meta.update((k, v) for k, v in obj.items() if k not in ("id", "text", "meta"))
    if nested is not None and not isinstance(nested, dict):
        meta["meta"] = nested
    text = obj.get("text")
    if "text" not in obj:
        return Record.failed(record_id, "no 'text' field", meta)
    if not isinstance(text, str):
        return Record.failed(record_id, f"'text' must be a string, not {_json_type(text)}", meta)
    if not text.strip():
        return Record.failed(record_id, "'text' is empty", meta)
    if len(text) > max_chars:
        return Record.failed(record_id, _too_long(len(text), max_chars), meta)
    return Record(id=record_id, text=text, meta=meta)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _bounded_lines(stream: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """Lines of a binary stream, each read with at most ``limit`` bytes held.

    A longer line yields ``None`` and the rest of it is skipped.
    """
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line
                rest = stream.readline(1 << 16)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
        else:
            yield line


def iter_jsonl(
    lines: Iterable[bytes | None], name: str, max_chars: int = MAX_CHARS, first_line: int = 1
) -> Iterator[Record]:
    """One record per non-blank JSONL line; ids default to ``<name>:<line number>``.

    Input with no record at all gives one error record named ``name``: an empty
    corpus is as much a mistake as an empty article.
    """
    found = False
    for number, raw in enumerate(lines, start=first_line):
        record = _line_record(raw, name, number, max_chars)
        if record is not None:
            found = True
            yield record
    if not found:
        yield Record.failed(
            name, "no records: empty file" if name != STDIN else "no records on stdin"
        )


def _line_record(raw: bytes | None, name: str, number: int, max_chars: int) -> Record | None:
    default_id = f"{name}:{number}"
    if raw is None:
        return Record.failed(default_id, _too_long_line(max_chars))
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        return None
    try:
        line = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        return Record.failed(default_id, "line is not valid UTF-8 (JSONL must be UTF-8)")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        return Record.failed(default_id, f"not valid JSON ({err.msg} at column {err.colno})")
    record = parse_record(obj, default_id, max_chars)
    if record.error is not None and record.id != default_id:
        # the record's own id does not say where it is: add the line
        record = Record.failed(record.id, f"{record.error} (at {default_id})", record.meta)
    return record


def _too_long_line(max_chars: int) -> str:
    return (
        f"line too long: more than {_jsonl_line_limit(max_chars):,} bytes for a limit of "
        f"{max_chars:,} characters of text (raise it with --max-chars)"
    )


def _jsonl_line_limit(max_chars: int) -> int:
    return max_chars * _MAX_JSON_BYTES_PER_CHAR + _JSONL_META_ALLOWANCE


def iter_jsonl_file(path: str | Path, max_chars: int = MAX_CHARS) -> Iterator[Record]:
    """Records of a JSONL file, read a line at a time (memory stays bounded)."""
    name = str(path)
    try:
        stream = open(path, "rb")
    except FileNotFoundError:
        yield Record.failed(name, "no such file")
        return
    except IsADirectoryError:
        yield Record.failed(name, "is a directory")
        return
    except OSError as err:
        yield Record.failed(name, f"cannot read: {err.strerror or err}")
        return
    with stream:
        if b"\x00" in stream.peek(8192):  # JSON text never holds a NUL byte
            yield Record.failed(name, "binary file, not text")
            return
        yield from iter_jsonl(_bounded_lines(stream, _jsonl_line_limit(max_chars)), name, max_chars)


def iter_json_file(path: str | Path, max_chars: int = MAX_CHARS) -> Iterator[Record]:
    """Records of a ``.json`` file: one object, or an array of objects."""
    name = str(path)
    try:
        # the limit applies to each article's text, checked below; the file may hold many
        text, _ = read_text_file(path, max_chars=_jsonl_line_limit(max_chars))
    except SourceError as err:
        yield Record.failed(name, err.reason)
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        yield Record.failed(name, f"not valid JSON ({err.msg}: line {err.lineno})")
        return
    if isinstance(data, list):
        if not data:
            yield Record.failed(name, "an empty JSON array, no articles")
        for number, item in enumerate(data, start=1):
            yield parse_record(item, f"{name}:{number}", max_chars)
    else:
        yield parse_record(data, name, max_chars)


def read_html_file(path: str | Path, max_chars: int = MAX_CHARS) -> tuple[str, str | None]:
    """Read the article text of an HTML page; returns ``(text, note)``.

    Boilerplate (navigation, scripts, styles, headers, footers, asides, reader
    comments) is removed by :func:`claimx.htmltext.html_to_text`. Broken markup is
    read as far as it goes; a page with no text left raises ``SourceError``.
    """
    from .htmltext import html_to_text  # imported on use: it loads trafilatura

    name = str(path)
    markup, note = read_text_file(path, max_chars=max_chars * _HTML_MARKUP_FACTOR)
    try:
        text = html_to_text(markup)
    except Exception as err:  # a parser failure on one page must not end the run
        raise SourceError(name, f"cannot read the HTML: {type(err).__name__}: {err}") from None
    if text is None:
        raise SourceError(
            name, "no article text in this HTML (nothing left once markup and boilerplate go)"
        )
    if len(text) > max_chars:
        raise SourceError(name, _too_long(len(text), max_chars))
    return text, note


def _whole_file_record(
    path: str, max_chars: int, read: Callable[[str, int], tuple[str, str | None]]
) -> Record:
    """One article from a whole file (text or HTML); a file that cannot be read is an error record."""
    try:
        text, note = read(path, max_chars)
    except SourceError as err:
        return Record.failed(path, err.reason)
    return Record(id=path, text=text, note=note)


# --------------------------------------------------------------------------- stdin


def _looks_like_jsonl(line: bytes) -> bool:
    try:
        obj = json.loads(line.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(obj, dict) and "text" in obj


def iter_stdin(stream: BinaryIO, jsonl: bool | None = None, max_chars: int = MAX_CHARS) -> Source:
    """Stdin as one article, or as JSONL when ``jsonl`` is true or it plainly is JSONL.

    ``jsonl=None`` sniffs: JSONL if the first non-blank line is a JSON object
    with a ``text`` field.
    """
    if jsonl:
        lines = _bounded_lines(stream, _jsonl_line_limit(max_chars))
        return Source(iter_jsonl(lines, STDIN, max_chars), single=False)
    head: list[bytes] = []
    limit = _jsonl_line_limit(max_chars)
    for line in _bounded_lines(stream, limit):
        if line is None:  # a huge first line: too long whether JSONL or text
            return Source(iter([Record.failed(STDIN, _too_large(limit, max_chars))]), single=True)
        head.append(line)
        if line.strip():
            break
    if head and jsonl is None and _looks_like_jsonl(head[-1]):
        lines = chain(head, _bounded_lines(stream, limit))
        return Source(iter_jsonl(lines, STDIN, max_chars), single=False)

    def article() -> Iterator[Record]:
        consumed = b"".join(head)
        try:
            rest = max_chars * _MAX_BYTES_PER_CHAR + 1 - len(consumed)
            data = consumed + (stream.read(rest) if rest > 0 else b"")
            if len(data) > max_chars * _MAX_BYTES_PER_CHAR:
                raise SourceError(STDIN, _too_large(len(data), max_chars))
            text, note = decode_bytes(data, STDIN)
            text = _checked_text(text, STDIN, max_chars)
        except SourceError as err:
            yield Record.failed(
                STDIN, "nothing on stdin" if err.reason == "empty file" else err.reason
            )
            return
        yield Record(id=STDIN, text=text, note=note)

    return Source(article(), single=True)


# --------------------------------------------------------------------------- paths


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _matches(relative: str, patterns: Sequence[str]) -> bool:
    """Whether a file matches one of the ``--glob`` patterns.

    A pattern with a ``/`` is matched against the path relative to the directory,
    one without against the file name, as in ``.gitignore``; ``*`` matches any
    characters, ``/`` included, and matching ignores case like the default suffixes.
    """
    name = relative.rsplit("/", 1)[-1]
    for pattern in patterns:
        target = relative if "/" in pattern else name
        if fnmatch.fnmatch(target.lower(), pattern.lower()):
            return True
    return False


def walk_directory(
    directory: str, patterns: Sequence[str] = (), exclude: Collection[str] = ()
) -> list[str]:
    """Readable files under a directory, recursively: sorted by path, hidden ones skipped.

    Without ``patterns`` the files are those with a known suffix (.txt, .md,
    .html, .htm, .json, .jsonl, .ndjson); with them, those matching a pattern
    (see :func:`_matches`). Files whose real path is in ``exclude`` (the run's
    own output) are left out. Paths are joined onto ``directory`` as given, so
    they serve as ids.
    """
    found: list[str] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not _is_hidden(d)]  # pruned in place: not visited
        for name in files:
            if _is_hidden(name):
                continue
            path = os.path.join(root, name)
            if patterns:
                relative = os.path.relpath(path, directory).replace(os.sep, "/")
                if not _matches(relative, patterns):
                    continue
            elif not name.lower().endswith(DIRECTORY_SUFFIXES):
                continue
            if exclude and os.path.realpath(path) in exclude:
                continue
            found.append(path)
    # one order for the whole tree, comparing paths folder by folder
    return sorted(found, key=lambda path: os.path.relpath(path, directory).split(os.sep))


def _file_records(path: str, jsonl: bool, max_chars: int) -> Iterator[Record]:
    suffix = os.path.splitext(path)[1].lower()
    if jsonl or suffix in JSONL_SUFFIXES:
        yield from iter_jsonl_file(path, max_chars)
    elif suffix in JSON_SUFFIXES:
        yield from iter_json_file(path, max_chars)
    elif suffix in HTML_SUFFIXES:
        yield _whole_file_record(path, max_chars, read_html_file)
    else:
        yield _whole_file_record(path, max_chars, read_text_file)


def _no_files(patterns: Sequence[str] = ()) -> str:
    if patterns:
        return (
            f"nothing to read in this directory (no file matches {', '.join(patterns)}, "
            "hidden ones skipped)"
        )
    kinds = ", ".join(DIRECTORY_SUFFIXES)
    return f"nothing to read in this directory (looked for {kinds} files, hidden ones skipped)"


def open_inputs(
    inputs: Sequence[str],
    jsonl: bool = False,
    max_chars: int = MAX_CHARS,
    stdin: BinaryIO | None = None,
    patterns: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Source:
    """The records of the command-line inputs: files, directories, or ``-`` for stdin.

    A ``.jsonl`` file (every file with ``jsonl=True``) gives one record per line,
    a ``.json`` file one per object, an ``.html``/``.htm`` file its article text,
    a directory every readable file under it (or those matching ``patterns``), any
    other file one article. Files named in ``exclude`` (the run's own output) are
    skipped when walking directories. With a single input, a missing path or an
    empty directory raises ``InputError``; among several, it becomes an error record.
    """
    if not inputs:
        raise InputError("no input given; name a file, a directory, or - for stdin")
    if list(inputs).count(STDIN) > 1:
        raise InputError("stdin (-) can be read only once")
    alone = len(inputs) == 1
    if alone and inputs[0] == STDIN:
        if stdin is None:
            raise InputError("no standard input to read")
        source = iter_stdin(stdin, jsonl=True if jsonl else None, max_chars=max_chars)
        source.streamed = True
        return source

    # Directories are listed up front (cheap, and an empty one can fail before any
    # output); files are opened only when the run reaches them.
    excluded = {os.path.realpath(path) for path in exclude if path != STDIN}
    plan: list[Callable[[], Iterable[Record]]] = []
    files: list[str] = []
    for given in inputs:
        if given == STDIN:
            if stdin is None:
                raise InputError("no standard input to read")
            plan.append(partial(_stdin_records, stdin, jsonl, max_chars))
        elif os.path.isdir(given):
            found = walk_directory(given, patterns, excluded)
            if not found:
                if alone:
                    raise SourceError(given, _no_files(patterns))
                plan.append(partial(_failed, given, _no_files(patterns)))
            plan.extend(partial(_file_records, path, False, max_chars) for path in found)
            files.extend(found)
        elif not os.path.exists(given):
            if alone:
                raise SourceError(given, "no such file or directory")
            plan.append(partial(_failed, given, "no such file or directory"))
        else:
            plan.append(partial(_file_records, given, jsonl, max_chars))
            files.append(given)

    single = (
        alone
        and not os.path.isdir(inputs[0])
        and not jsonl
        and os.path.splitext(inputs[0])[1].lower() not in JSONL_SUFFIXES + JSON_SUFFIXES
    )
    return Source(
        chain.from_iterable(make() for make in plan),
        single=single,
        files=files,
        streamed=STDIN in inputs,
    )


def _failed(record_id: str, reason: str) -> list[Record]:
    return [Record.failed(record_id, reason)]


def _stdin_records(stream: BinaryIO, jsonl: bool, max_chars: int) -> Iterator[Record]:
    return iter_stdin(stream, jsonl=True if jsonl else None, max_chars=max_chars).records
