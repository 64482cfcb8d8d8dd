"""The command line: exit codes, stdout vs stderr, formats, and every bad input of the issue."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES, assert_offsets
from helpers import jsonl, write
from rich.table import Table
from typer.testing import CliRunner

import claimx
from claimx import cli
from claimx.cli import app

pytestmark = pytest.mark.usefixtures("cli_nlp")

ARTICLE = (
    '"We are not going to sign a bad deal," said Marcus Ellery, the trade representative. '
    "He told reporters that talks would resume on Thursday.\n"
)
CP1252_TEXT = (
    "The caf\u00e9 owner said \u201cwe are open\u201d and the r\u00e9sum\u00e9s were filed.\n"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()






def error_line(message: str) -> str:
    return f"claimx: error: {message}\n"


# --------------------------------------------------------------------------- help, version, usage


@pytest.mark.parametrize(
    "args", [["--help"], ["-h"], ["extract", "--help"], ["evaluate", "--help"]]
)
def test_cli_help(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0
    assert "Usage" in result.stdout
    assert "Examples" in result.stdout
    assert "claimx " in result.stdout
    assert result.stderr == ""


def test_cli_help_lists_every_command_and_the_format_default(runner: CliRunner) -> None:
    top = runner.invoke(app, ["--help"]).stdout
    assert "extract" in top and "evaluate" in top
    extract_help = runner.invoke(app, ["extract", "--help"]).stdout
    # Rich wraps help into boxed columns: compare the words, not the layout
    words = " ".join(extract_help.replace("│", " ").split())
    assert "table on a terminal, json when piped" in words
    assert "--trained" in words


def test_cli_no_arguments_shows_help(runner: CliRunner) -> None:
    result = runner.invoke(app, [])
    assert "Usage" in result.output
    assert result.exit_code in (0, 2)  # click >= 8.2 exits 2 here


def test_cli_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout == f"claimx {claimx.__version__}\n"


@pytest.mark.parametrize(
    "args",
    [
        ["extract", "--bogus", "a.txt"],
        ["extract"],
        ["extract", "a.txt", "--format", "xml"],
        ["extract", "a.txt", "--batch-size", "0"],
        ["nonsense"],
    ],
)
def test_cli_usage_errors_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Usage" in result.stderr


# --------------------------------------------------------------------------- formats


def test_cli_json_is_the_default_when_piped(
    runner: CliRunner, tmp_path: Path, validate: Any
) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    result = runner.invoke(app, ["extract", path], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr == ""
    record = json.loads(result.stdout)
    assert isinstance(record, dict)
    assert record["id"] == path
    validate(record)
    assert_offsets(record, ARTICLE)


def test_cli_format_json_for_several_is_an_array(
    runner: CliRunner, tmp_path: Path, validate: Any
) -> None:
    paths = [write(tmp_path / f"{i}.txt", ARTICLE) for i in range(3)]
    result = runner.invoke(app, ["extract", *paths, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == paths
    for record in records:
        validate(record)


def test_cli_format_jsonl(runner: CliRunner, tmp_path: Path, validate: Any) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    result = runner.invoke(app, ["extract", path, "-f", "jsonl"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    validate(json.loads(lines[0]))


def test_cli_format_table(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    result = runner.invoke(app, ["extract", path, "--format", "table"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert "a.txt" in result.stdout
    assert "schema_version" not in result.stdout
    assert "\x1b[" not in result.stdout  # no colour codes into a pipe
    # either a table or the empty-result message, depending on what the rules find
    assert "speaker" in result.stdout or "no attributed claims found" in result.stdout


def test_cli_output_file(runner: CliRunner, tmp_path: Path, validate: Any) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    out = tmp_path / "out" / "claims.json"
    out.parent.mkdir()
    result = runner.invoke(app, ["extract", path, "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout == ""
    validate(json.loads(out.read_text(encoding="utf-8")))


def test_cli_output_file_jsonl_and_table(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    out = tmp_path / "claims.jsonl"
    result = runner.invoke(app, ["extract", path, path, "-f", "jsonl", "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    table = tmp_path / "claims.txt"
    result = runner.invoke(app, ["extract", path, "-f", "table", "-o", str(table)])
    assert result.exit_code == 0 and result.stdout == ""
    assert "a.txt" in table.read_text(encoding="utf-8")


def test_cli_output_file_that_cannot_be_written(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    target = tmp_path / "no" / "such" / "dir" / "out.json"
    result = runner.invoke(app, ["extract", path, "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"claimx: error: cannot write {target}")
    assert result.stderr.count("\n") == 1


def test_cli_stdin_single_article(runner: CliRunner, validate: Any) -> None:
    result = runner.invoke(app, ["extract", "-"], input=ARTICLE, catch_exceptions=False)
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["id"] == "-"
    validate(record)
    assert_offsets(record, ARTICLE)


def test_cli_stdin_jsonl_is_recognised(runner: CliRunner, validate: Any) -> None:
    data = jsonl({"id": "a", "text": ARTICLE}, {"id": "b", "text": ARTICLE, "source": "wire"})
    result = runner.invoke(app, ["extract", "-", "-f", "jsonl"], input=data, catch_exceptions=False)
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert records[1]["meta"] == {"source": "wire"}
    for record in records:
        validate(record)


def test_cli_stdin_jsonl_forced(runner: CliRunner) -> None:
    data = jsonl({"headline": "no text"}, {"text": ARTICLE})
    result = runner.invoke(app, ["extract", "--jsonl", "-", "-f", "jsonl"], input=data)
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["-:1", "-:2"]


def test_cli_jsonl_flag_reads_any_file_as_jsonl(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "records.txt", jsonl({"id": "r1", "text": ARTICLE}))
    result = runner.invoke(app, ["extract", "--jsonl", path, "-f", "json"], catch_exceptions=False)
    assert result.exit_code == 0
    assert [r["id"] for r in json.loads(result.stdout)] == ["r1"]


def test_cli_directory(runner: CliRunner, tmp_path: Path, validate: Any) -> None:
    for name in ["b.txt", "a.md", "sub/c.txt", ".hidden.txt", "skip.pdf"]:
        write(tmp_path / "corpus" / name, ARTICLE)
    result = runner.invoke(
        app, ["extract", str(tmp_path / "corpus"), "-f", "jsonl"], catch_exceptions=False
    )
    assert result.exit_code == 0
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    corpus = tmp_path / "corpus"
    assert ids == [str(corpus / "a.md"), str(corpus / "b.txt"), str(corpus / "sub" / "c.txt")]


def test_cli_samples(runner: CliRunner, validate: Any) -> None:
    result = runner.invoke(app, ["extract", str(SAMPLES), "-f", "jsonl"], catch_exceptions=False)
    assert result.exit_code == 0
    for line in result.stdout.splitlines():
        record = json.loads(line)
        validate(record)
        assert_offsets(record, Path(record["id"]).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- bad input


def assert_single_failure(result: Any, message: str) -> None:
    """One article that failed: one stderr line, exit 1, nothing on stdout."""
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == error_line(message)


def test_cli_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    path = str(tmp_path / "missing.txt")
    assert_single_failure(
        runner.invoke(app, ["extract", path]), f"{path}: no such file or directory"
    )


def test_cli_empty_directory(runner: CliRunner, tmp_path: Path) -> None:
    write(tmp_path / "empty" / "scan.pdf", b"%PDF-1.4")
    directory = str(tmp_path / "empty")
    result = runner.invoke(app, ["extract", directory])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"claimx: error: {directory}: nothing to read")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("data", "reason"), [("", "empty file"), ("  \n\t\n  ", "only whitespace, no text")]
)
def test_cli_empty_file(runner: CliRunner, tmp_path: Path, data: str, reason: str) -> None:
    path = write(tmp_path / "empty.txt", data)
    assert_single_failure(runner.invoke(app, ["extract", path]), f"{path}: {reason}")


def test_cli_binary_file(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "x.bin", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4)
    assert_single_failure(runner.invoke(app, ["extract", path]), f"{path}: binary file, not text")


def test_cli_cp1252_file_is_decoded_with_a_note(
    runner: CliRunner, tmp_path: Path, validate: Any
) -> None:
    path = write(tmp_path / "notes.txt", CP1252_TEXT.encode("cp1252"))
    result = runner.invoke(app, ["extract", path], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr == f"claimx: note: {path}: not UTF-8, decoded as cp1252\n"
    record = json.loads(result.stdout)
    validate(record)
    assert_offsets(record, CP1252_TEXT)


def test_cli_5mb_article(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "huge.txt", "All work and no play. " * 240_000)
    result = runner.invoke(app, ["extract", path])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"claimx: error: {path}: too long")
    assert "--max-chars" in result.stderr and result.stderr.count("\n") == 1


def test_cli_max_chars(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    result = runner.invoke(app, ["extract", path, "--max-chars", "100"])
    assert_single_failure(
        result,
        f"{path}: too long: {len(ARTICLE):,} characters, the limit is 100 (raise it with --max-chars)",
    )


def test_cli_single_failure_writes_no_output_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["extract", str(tmp_path / "missing.txt"), "-o", str(out)])
    assert result.exit_code == 1
    assert not out.exists()


def test_cli_jsonl_bad_lines_keep_count_and_order(
    runner: CliRunner, tmp_path: Path, validate: Any
) -> None:
    path = write(
        tmp_path / "corpus.jsonl",
        jsonl(
            {"id": "first", "text": ARTICLE},
            '{"id": "broken", "text": ',
            {"id": "no-text", "title": "A headline only"},
            {"id": "last", "text": ARTICLE, "source": "wire"},
        ),
    )
    result = runner.invoke(app, ["extract", path, "--format", "jsonl"])
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["first", f"{path}:2", "no-text", "last"]
    assert ["error" in r for r in records] == [False, True, True, False]
    assert records[2]["meta"] == {"title": "A headline only"}
    for record in records:
        validate(record)
    *lines, summary = result.stderr.splitlines()
    assert lines == [
        f"claimx: error: {path}:2: not valid JSON (Expecting value at column 26)",
        f"claimx: error: no-text: no 'text' field (at {path}:3)",
    ]
    assert re.fullmatch(r"claimx: 4 articles, \d+ claims?, 2 errors in .* s \(.*\)", summary)


def test_cli_jsonl_bad_lines_in_a_json_array(
    runner: CliRunner, tmp_path: Path, validate: Any
) -> None:
    path = write(tmp_path / "corpus.jsonl", jsonl({"text": ARTICLE}, "[]"))
    result = runner.invoke(app, ["extract", path, "--format", "json"])
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == [f"{path}:1", f"{path}:2"]
    assert records[1]["error"] == "not a JSON object but an array"


def test_cli_several_files_with_bad_ones(runner: CliRunner, tmp_path: Path, validate: Any) -> None:
    good = write(tmp_path / "good.txt", ARTICLE)
    binary = write(tmp_path / "x.bin", bytes(range(256)) * 4)
    empty = write(tmp_path / "empty.txt", "")
    missing = str(tmp_path / "missing.txt")
    legacy = write(tmp_path / "legacy.txt", CP1252_TEXT.encode("cp1252"))
    result = runner.invoke(app, ["extract", good, binary, empty, missing, legacy, "-f", "jsonl"])
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == [good, binary, empty, missing, legacy]
    assert ["error" in r for r in records] == [False, True, True, True, False]
    for record in records:
        validate(record)
    *lines, summary = result.stderr.splitlines()
    assert lines == [
        f"claimx: error: {binary}: binary file, not text",
        f"claimx: error: {empty}: empty file",
        f"claimx: error: {missing}: no such file or directory",
        f"claimx: note: {legacy}: not UTF-8, decoded as cp1252",
    ]
    assert summary.startswith("claimx: 5 articles, ") and ", 3 errors in " in summary


def test_cli_table_shows_error_records(runner: CliRunner, tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", ARTICLE)
    empty = write(tmp_path / "empty.txt", "")
    result = runner.invoke(app, ["extract", good, empty, "-f", "table"])
    assert result.exit_code == 1
    assert f"{empty}: empty file" in " ".join(result.stdout.split())


def test_cli_missing_model(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    result = runner.invoke(app, ["extract", path, "--model", "no_such_pipeline_xyz"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(
        "claimx: error: spaCy pipeline 'no_such_pipeline_xyz' is not installed"
    )
    assert "pip install" in result.stderr and result.stderr.count("\n") == 1


def test_cli_model_from_environment(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    result = runner.invoke(app, ["extract", path], env={"CLAIMX_MODEL": "no_such_pipeline_env"})
    assert result.exit_code == 1
    assert "'no_such_pipeline_env' is not installed" in result.stderr


def test_cli_interrupt_exits_130(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(model: str | None = None, trained: bool = True) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "load_pipeline", interrupted)
    path = write(tmp_path / "a.txt", ARTICLE)
    result = runner.invoke(app, ["extract", path])
    assert result.exit_code == 130


def test_cli_no_trained_flag_falls_back_to_the_rules(
    runner: CliRunner, tmp_path: Path, cli_nlp: Any
) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    rules = runner.invoke(app, ["extract", path, "-f", "json", "--no-trained"], catch_exceptions=False)
    trained = runner.invoke(app, ["extract", path, "-f", "json"], catch_exceptions=False)
    assert rules.exit_code == trained.exit_code == 0
    confidences = [c["confidence"] for c in json.loads(rules.stdout)["claims"]]
    trained_confidences = [c["confidence"] for c in json.loads(trained.stdout)["claims"]]
    assert confidences and trained_confidences and confidences != trained_confidences


def test_cli_broken_pipe_is_quiet(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise BrokenPipeError

    monkeypatch.setattr(cli, "write_json", broken)
    path = write(tmp_path / "a.txt", ARTICLE)
    result = runner.invoke(app, ["extract", path])
    assert result.exit_code == 1
    assert result.stderr == ""


def test_cli_main_entry_point_reports_one_line(tmp_path: Path) -> None:
    """The installed entry point (here ``python -m claimx``): no traceback, exit 1."""
    missing = str(tmp_path / "missing.txt")
    proc = subprocess.run(
        [sys.executable, "-m", "claimx", "extract", missing],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr == error_line(f"{missing}: no such file or directory")


# --------------------------------------------------------------------------- evaluate


@pytest.fixture
def fake_evaluation(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    """Stands in for claimx.evaluate, which is written separately."""
    calls: list[tuple[Path, Any]] = []

    def evaluate_file(gold_path: Path, nlp: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        calls.append((gold_path, nlp))
        scores = {"content_exact": {"precision": 0.5, "recall": 0.25, "f1": 0.333}}
        predictions = [
            {"schema_version": "1.1", "id": "g1", "claims": [], "speakers": [], "topics": [], "keyphrases": []},
            {"schema_version": "1.1", "id": "g2", "claims": [], "speakers": [], "topics": [], "keyphrases": []},
        ]
        return scores, predictions

    def report_table(scores: dict[str, Any]) -> Table:
        table = Table("measure", "f1")
        for name, values in scores.items():
            table.add_row(name, f"{values['f1']:.3f}")
        return table

    module = types.ModuleType("claimx.evaluate")
    module.evaluate_file = evaluate_file  # type: ignore[attr-defined]
    module.report_table = report_table  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "claimx.evaluate", module)
    return types.SimpleNamespace(calls=calls)


def test_cli_evaluate_json(
    runner: CliRunner, tmp_path: Path, fake_evaluation: Any, nlp: Any
) -> None:
    gold = write(tmp_path / "gold.jsonl", jsonl({"id": "g1", "text": ARTICLE, "claims": []}))
    result = runner.invoke(app, ["evaluate", gold, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "content_exact": {"precision": 0.5, "recall": 0.25, "f1": 0.333}
    }
    assert fake_evaluation.calls == [(Path(gold), nlp)]


def test_cli_evaluate_table_and_predictions(
    runner: CliRunner, tmp_path: Path, fake_evaluation: Any, validate: Any
) -> None:
    gold = write(tmp_path / "gold.jsonl", jsonl({"id": "g1", "text": ARTICLE, "claims": []}))
    predictions = tmp_path / "pred.jsonl"
    result = runner.invoke(
        app, ["evaluate", gold, "-f", "table", "-o", str(predictions)], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert "content_exact" in result.stdout and "0.333" in result.stdout
    lines = predictions.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["g1", "g2"]
    for line in lines:
        validate(json.loads(line))


def test_cli_evaluate_missing_gold(runner: CliRunner, tmp_path: Path, fake_evaluation: Any) -> None:
    gold = str(tmp_path / "gold.jsonl")
    result = runner.invoke(app, ["evaluate", gold])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == error_line(f"{gold}: no such file")
    assert fake_evaluation.calls == []


def test_cli_evaluate_with_the_real_scorer(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("claimx.evaluate")
    start = ARTICLE.index("that talks")
    end = ARTICLE.index(" on Thursday") + len(" on Thursday")
    gold_claim = {
        "speaker": {
            "text": "He",
            "start": ARTICLE.index("He told"),
            "end": ARTICLE.index("He told") + 2,
        },
        "cue": {"text": "told", "start": ARTICLE.index("told"), "end": ARTICLE.index("told") + 4},
        "content": {"text": ARTICLE[start:end], "start": start, "end": end},
        "kind": "indirect",
    }
    gold = write(
        tmp_path / "gold.jsonl", jsonl({"id": "g1", "text": ARTICLE, "claims": [gold_claim]})
    )
    result = runner.invoke(app, ["evaluate", gold, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert isinstance(json.loads(result.stdout), dict)
