"""Reading inputs: encodings, bad files, JSONL records, directories and stdin."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from helpers import jsonl, write

from claimx.errors import InputError
from claimx.io import (
    Record,
    _bounded_lines,
    decode_bytes,
    iter_jsonl,
    iter_jsonl_file,
    iter_stdin,
    open_inputs,
    parse_record,
    read_text_file,
    walk_directory,
)

ARTICLE = "The mayor said on Monday that the bridge would reopen in May.\n"






# --------------------------------------------------------------------------- text files


def test_io_reads_utf8(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "“Ça va,” said Zoë.\n")
    assert read_text_file(path) == ("“Ça va,” said Zoë.\n", None)


def test_io_strips_utf8_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"\xef\xbb\xbf" + ARTICLE.encode())
    assert read_text_file(path) == (ARTICLE, None)


@pytest.mark.parametrize(
    "text",
    [
        "The caf\u00e9\u2019s owner said \u201cwe are open\u201d on Monday.",
        "Na\u00efve r\u00e9sum\u00e9, se\u00f1or \u2014 only 50 \u20ac, the clerk said.",
        "Plain text with a single accent: d\u00e9j\u00e0.",
    ],
)
def test_io_decodes_cp1252_with_a_note(tmp_path: Path, text: str) -> None:
    path = write(tmp_path / "notes.txt", text.encode("cp1252"))
    decoded, note = read_text_file(path)
    assert decoded == text
    assert note == f"{path}: not UTF-8, decoded as cp1252"


def test_io_decodes_latin1(tmp_path: Path) -> None:
    text = "M\u00fcller sagte, die Stra\u00dfe sei gro\u00df."
    path = write(tmp_path / "de.txt", text.encode("latin-1"))
    decoded, note = read_text_file(path)
    assert decoded == text
    assert note is not None and "not UTF-8" in note


def test_io_decodes_utf16_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "w.txt", ARTICLE.encode("utf-16"))
    decoded, note = read_text_file(path)
    assert decoded == ARTICLE
    assert note is not None and "utf-16" in note


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        bytes(range(256)) * 8,
        b"text\x00with a NUL byte",
        b"\x01\x02\x03\x04\x05\x06\x07\x08 almost \x0e\x0f\x10\x11\x12\x13\x14",
    ],
    ids=["png", "all-bytes", "nul", "controls"],
)
def test_io_rejects_binary(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path / "x.bin", data)
    with pytest.raises(InputError, match=r"x\.bin: binary file, not text$"):
        read_text_file(path)


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (b"  \n\t \n", "only whitespace, no text")],
)
def test_io_rejects_empty(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path / "e.txt", data)
    with pytest.raises(InputError) as caught:
        read_text_file(path)
    assert str(caught.value) == f"{path}: {reason}"


def test_io_rejects_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_text_file(tmp_path / "gone.txt")


def test_io_rejects_text_over_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "long.txt", "word " * 30)
    with pytest.raises(InputError) as caught:
        read_text_file(path, max_chars=100)
    message = str(caught.value)
    assert "150 characters" in message and "100" in message and "--max-chars" in message


def test_io_rejects_a_huge_file_without_decoding_it(tmp_path: Path) -> None:
    path = write(tmp_path / "huge.txt", b"a" * 5_000_000)
    with pytest.raises(InputError, match=r"5\.0 MB.*1,000,000"):
        read_text_file(path)


def test_io_decode_bytes_prefers_utf8() -> None:
    assert decode_bytes("é".encode(), "x") == ("é", None)


# --------------------------------------------------------------------------- records


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"id": "a1", "text": "Hi."}, Record("a1", "Hi.")),
        ({"text": "Hi."}, Record("f:3", "Hi.")),
        ({"id": 7, "text": "Hi."}, Record("7", "Hi.")),
        (
            {"id": "a", "text": "Hi.", "url": "u", "date": 1},
            Record("a", "Hi.", {"url": "u", "date": 1}),
        ),
        (
            {"id": "a", "text": "Hi.", "meta": {"src": "x"}, "lang": "en"},
            Record("a", "Hi.", {"src": "x", "lang": "en"}),
        ),
        ([1, 2], Record.failed("f:3", "not a JSON object but an array")),
        ("text", Record.failed("f:3", "not a JSON object but a string")),
        ({"id": "a", "title": "T"}, Record.failed("a", "no 'text' field", {"title": "T"})),
        ({"id": "a", "text": 5}, Record.failed("a", "'text' must be a string, not a number")),
        ({"id": "a", "text": None}, Record.failed("a", "'text' must be a string, not null")),
        ({"id": "a", "text": "  \n"}, Record.failed("a", "'text' is empty")),
        ({"id": ["x"], "text": "Hi."}, Record.failed("f:3", "'id' must be a string or a number")),
    ],
)
def test_io_parse_record(obj: object, expected: Record) -> None:
    assert parse_record(obj, "f:3") == expected


def test_io_parse_record_text_over_the_limit() -> None:
    record = parse_record({"id": "a", "text": "x" * 50}, "f:1", max_chars=10)
    assert record.error is not None and "50 characters" in record.error


def test_io_jsonl_lines_become_records_or_error_records() -> None:
    data = jsonl(
        {"id": "one", "text": "First."},
        "{not json",
        "",
        {"id": "three", "headline": "no text here"},
        "   ",
        {"text": "Fourth."},
    )
    lines = [line.encode() for line in io.StringIO(data)]
    records = list(iter_jsonl(lines, "c.jsonl"))
    assert [r.id for r in records] == ["one", "c.jsonl:2", "three", "c.jsonl:6"]
    assert [r.error is None for r in records] == [True, False, False, True]
    assert records[1].error is not None and records[1].error.startswith("not valid JSON")
    assert records[2].error == "no 'text' field (at c.jsonl:4)"
    assert records[2].meta == {"headline": "no text here"}


def test_io_jsonl_bom_and_invalid_utf8() -> None:
    lines = [b'\xef\xbb\xbf{"text": "A."}\n', b'{"text": "caf\xe9"}\n']
    records = list(iter_jsonl(lines, "x"))
    assert records[0] == Record("x:1", "A.")
    assert records[1].error is not None and "UTF-8" in records[1].error


def test_io_jsonl_file_is_read_lazily(tmp_path: Path) -> None:
    """The first record is available before the file is read to the end."""
    lines = [{"id": str(i), "text": "Some article text. " * 50} for i in range(2000)]
    path = write(tmp_path / "big.jsonl", jsonl(*lines))
    stream = open(path, "rb")
    records = iter_jsonl(_bounded_lines(stream, 1 << 20), path)
    assert next(records).id == "0"
    assert stream.tell() < Path(path).stat().st_size / 10
    stream.close()


def test_io_jsonl_text_over_the_limit_is_an_error_record(tmp_path: Path) -> None:
    long_line = json.dumps({"id": "long", "text": "x" * 5000})
    path = write(tmp_path / "c.jsonl", jsonl({"text": "A."}, long_line, {"text": "C."}))
    records = list(iter_jsonl_file(path, max_chars=100))
    assert [r.id for r in records] == [f"{path}:1", "long", f"{path}:3"]
    assert records[1].error is not None and "too long" in records[1].error
    assert records[2].text == "C."


def test_io_overlong_line_is_skipped_without_holding_it() -> None:
    stream = io.BytesIO(b"short\n" + b"x" * 10_000 + b"\nnext\nlast")
    assert list(_bounded_lines(stream, 100)) == [b"short\n", None, b"next\n", b"last"]


def test_io_overlong_jsonl_line_becomes_an_error_record() -> None:
    (record,) = iter_jsonl([None], "big.jsonl", max_chars=10)
    assert record.id == "big.jsonl:1"
    assert record.error is not None and record.error.startswith("line too long")


def test_io_jsonl_binary_file_is_one_error_record(tmp_path: Path) -> None:
    path = write(tmp_path / "b.jsonl", b"\x00\x01\x02\n" * 100)
    assert list(iter_jsonl_file(path)) == [Record.failed(path, "binary file, not text")]


# --------------------------------------------------------------------------- directories


def test_io_walk_directory_sorted_recursive_hidden_skipped(tmp_path: Path) -> None:
    for name in [
        "b.txt",
        "a.md",
        "sub/c.jsonl",
        "sub/deeper/d.json",
        "z.pdf",
        ".hidden.txt",
        ".git/e.txt",
        "sub/.f.txt",
    ]:
        write(tmp_path / name, "x")
    root = str(tmp_path)
    found = walk_directory(root)
    assert found == [
        f"{root}/a.md",
        f"{root}/b.txt",
        f"{root}/sub/c.jsonl",
        f"{root}/sub/deeper/d.json",
    ]


def test_io_directory_records_keep_the_path_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "corpus" / "one.txt", ARTICLE)
    write(tmp_path / "corpus" / "two.jsonl", jsonl({"text": "A."}, {"id": "x", "text": "B."}))
    write(
        tmp_path / "corpus" / "three.json", json.dumps([{"text": "C."}, {"id": "y", "text": "D."}])
    )
    monkeypatch.chdir(tmp_path)
    source = open_inputs(["./corpus/"])
    assert not source.single
    assert [r.id for r in source.records] == [
        "./corpus/one.txt",
        "./corpus/three.json:1",
        "y",
        "./corpus/two.jsonl:1",
        "x",
    ]


def test_io_empty_directory_alone_raises(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write(tmp_path / "empty" / "notes.pdf", b"%PDF")
    with pytest.raises(InputError, match="nothing to read"):
        open_inputs([str(tmp_path / "empty")])


def test_io_bad_inputs_among_several_become_error_records(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    good = write(tmp_path / "good.txt", ARTICLE)
    blank = write(tmp_path / "blank.txt", "   ")
    missing = str(tmp_path / "missing.txt")
    source = open_inputs([good, missing, str(tmp_path / "empty"), blank])
    records = list(source.records)
    assert [r.id for r in records] == [good, missing, str(tmp_path / "empty"), blank]
    assert [r.error for r in records] == [
        None,
        "no such file or directory",
        records[2].error,
        "only whitespace, no text",
    ]
    assert records[2].error is not None and "nothing to read" in records[2].error


def test_io_missing_input_alone_raises(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        open_inputs([str(tmp_path / "missing.jsonl")])


@pytest.mark.parametrize(
    ("name", "jsonl_flag", "single"),
    [
        ("a.txt", False, True),
        ("a.md", False, True),
        ("a", False, True),
        ("a.jsonl", False, False),
        ("a.json", False, False),
        ("a.txt", True, False),
    ],
)
def test_io_single_is_one_plain_article(
    tmp_path: Path, name: str, jsonl_flag: bool, single: bool
) -> None:
    path = write(tmp_path / name, jsonl({"text": "A."}))
    assert open_inputs([path], jsonl=jsonl_flag).single is single


def test_io_files_are_opened_only_when_reached(tmp_path: Path) -> None:
    first = write(tmp_path / "1.txt", ARTICLE)
    second = write(tmp_path / "2.txt", ARTICLE)
    source = open_inputs([first, second])
    assert next(source.records).id == first
    Path(second).write_text("changed after the run started", encoding="utf-8")
    assert next(source.records).text == "changed after the run started"


# --------------------------------------------------------------------------- stdin


def test_io_stdin_one_article() -> None:
    source = iter_stdin(io.BytesIO(ARTICLE.encode()))
    assert source.single
    assert list(source.records) == [Record("-", ARTICLE)]


def test_io_stdin_article_starting_with_json_like_text_is_not_jsonl() -> None:
    text = '{"a": 1} is what the log said.\nThe engineer said it was fine.\n'
    assert list(iter_stdin(io.BytesIO(text.encode())).records) == [Record("-", text)]


def test_io_stdin_sniffs_jsonl() -> None:
    data = "\n" + jsonl({"id": "a", "text": "A."}, "oops", {"text": "C."})
    source = iter_stdin(io.BytesIO(data.encode()))
    assert not source.single
    records = list(source.records)
    assert [r.id for r in records] == ["a", "-:3", "-:4"]
    assert records[1].error is not None


def test_io_stdin_forced_jsonl() -> None:
    data = jsonl({"title": "no text first"}, {"text": "B."})
    source = iter_stdin(io.BytesIO(data.encode()), jsonl=True)
    assert [(r.id, r.error is None) for r in source.records] == [("-:1", False), ("-:2", True)]


def test_io_stdin_cp1252_article() -> None:
    text = "The caf\u00e9 owner said \u201cno\u201d."
    (record,) = iter_stdin(io.BytesIO(text.encode("cp1252"))).records
    assert record.text == text
    assert record.note == "-: not UTF-8, decoded as cp1252"


@pytest.mark.parametrize(
    ("data", "reason"), [(b"", "nothing on stdin"), (b" \n ", "only whitespace, no text")]
)
def test_io_stdin_empty(data: bytes, reason: str) -> None:
    (record,) = iter_stdin(io.BytesIO(data)).records
    assert record.error == reason


def test_io_stdin_too_long() -> None:
    (record,) = iter_stdin(io.BytesIO(b"word " * 100), max_chars=50).records
    assert record.error is not None and "too long" in record.error


def test_io_stdin_only_once() -> None:
    with pytest.raises(InputError, match="only once"):
        open_inputs(["-", "-"], stdin=io.BytesIO(b"x"))


def test_io_stdin_among_files(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    source = open_inputs([path, "-"], stdin=io.BytesIO(b"From stdin."))
    assert [(r.id, r.text) for r in source.records] == [(path, ARTICLE), ("-", "From stdin.")]


@pytest.mark.parametrize("data", ["", "\n  \n\n"])
def test_io_jsonl_without_records_is_an_error_record(tmp_path: Path, data: str) -> None:
    path = write(tmp_path / "c.jsonl", data)
    assert list(iter_jsonl_file(path)) == [Record.failed(path, "no records: empty file")]


def test_io_stdin_forced_jsonl_without_records() -> None:
    (record,) = iter_stdin(io.BytesIO(b"\n"), jsonl=True).records
    assert record.error == "no records on stdin"


# --------------------------------------------------------------------------- folders


CORPUS = [
    "b.txt",
    "a.md",
    "page.html",
    "old.htm",
    "records.jsonl",
    "one.json",
    "2024/01/z.txt",
    "2024/01/story.html",
    "2024/02/y.md",
    "notes.pdf",
    ".hidden.txt",
    ".drafts/x.txt",
    "2024/.cache/y.txt",
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    for name in CORPUS:
        write(tmp_path / "corpus" / name, jsonl({"text": ARTICLE}) if "json" in name else ARTICLE)
    return tmp_path / "corpus"


def relative(paths: list[str], root: Path) -> list[str]:
    return [Path(p).relative_to(root).as_posix() for p in paths]


def test_io_walk_is_recursive_sorted_and_skips_hidden(corpus: Path) -> None:
    assert relative(walk_directory(str(corpus)), corpus) == [
        "2024/01/story.html",
        "2024/01/z.txt",
        "2024/02/y.md",
        "a.md",
        "b.txt",
        "old.htm",
        "one.json",
        "page.html",
        "records.jsonl",
    ]


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (["*.html"], ["2024/01/story.html", "page.html"]),
        (["*.HTML", "*.htm"], ["2024/01/story.html", "old.htm", "page.html"]),
        (["2024/*.txt"], ["2024/01/z.txt"]),
        (["2024/02/*"], ["2024/02/y.md"]),
        (["*.pdf"], ["notes.pdf"]),  # a glob chooses files whatever their suffix
        (["x*"], []),  # hidden files stay hidden
    ],
)
def test_io_walk_glob(corpus: Path, patterns: list[str], expected: list[str]) -> None:
    assert relative(walk_directory(str(corpus), patterns), corpus) == expected


def test_io_walk_leaves_out_the_runs_own_output(corpus: Path) -> None:
    source = open_inputs([str(corpus)], exclude=[str(corpus / "records.jsonl")])
    assert "records.jsonl" not in relative(source.files, corpus)


def test_io_glob_matching_nothing_is_an_error(corpus: Path) -> None:
    with pytest.raises(InputError, match=r"no file matches \*\.xml"):
        open_inputs([str(corpus)], patterns=["*.xml"])


def test_io_directory_records_have_paths_as_ids(corpus: Path) -> None:
    source = open_inputs([str(corpus)], patterns=["*.txt", "*.md", "*.jsonl"])
    ids = [r.id for r in source.records]
    assert relative([i.split(":")[0] for i in ids], corpus) == [
        "2024/01/z.txt",
        "2024/02/y.md",
        "a.md",
        "b.txt",
        "records.jsonl",
    ]
    assert ids[-1].endswith("records.jsonl:1")


def test_io_source_size_and_record_estimate(tmp_path: Path) -> None:
    a = write(tmp_path / "d" / "a.txt", ARTICLE)
    c = write(tmp_path / "d" / "c.jsonl", jsonl(*({"text": "A."} for _ in range(5))))
    source = open_inputs([str(tmp_path / "d")])
    assert source.size() == Path(a).stat().st_size + Path(c).stat().st_size
    assert source.estimate_records() == 6
    stream = open_inputs(["-"], stdin=io.BytesIO(b"x"))
    assert stream.size() is None and stream.estimate_records() is None
