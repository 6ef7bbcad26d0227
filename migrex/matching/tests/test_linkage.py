"""`migrex link`: two registries in different scripts linked on folding keys with Splink and DuckDB,
the pairs, the dual-citizenship report and the chart written; bad input named by file, line and
column with nothing written; FEBRL4 (Latin names, no transliteration) linked at F1 >= 0.99."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from migrex.matching import linkage, synthetic
from migrex.matching.febrl import febrl4

ROOT = Path(__file__).resolve().parents[3]
MIGREX = [sys.executable, "-c", "import sys; from migrex.cli import main; main(sys.argv[1:])"]


def _f1(pairs: pd.DataFrame, truth: set[tuple[str, str]]) -> float:
    got = set(zip(pairs["record_id_a"].astype(str), pairs["record_id_b"].astype(str), strict=True))
    hits = len(got & truth)
    precision, recall = hits / max(len(got), 1), hits / len(truth)
    return 2 * precision * recall / (precision + recall) if hits else 0.0


def _truth(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["record_id_a"].astype(str), frame["record_id_b"].astype(str), strict=True))


@pytest.fixture(scope="module")
def registries(tmp_path_factory):
    folder = tmp_path_factory.mktemp("registries")
    a, b, truth = synthetic.generate(4000, seed=5)
    synthetic.write(folder, a, b, truth, format="csv")
    return folder, a, b, truth


def test_the_command_links_registries_written_in_different_scripts(registries, tmp_path):
    folder, a, b, truth = registries
    out = tmp_path / "pairs.csv"
    run = subprocess.run(
        [*MIGREX, "link", str(folder / "a.csv"), str(folder / "b.csv"), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "обучение модели / training" in run.stderr  # progress is shown
    pairs = pd.read_csv(out, dtype={"record_id_a": str, "record_id_b": str})
    assert list(pairs.columns) == ["record_id_a", "record_id_b", "probability"]
    assert (pairs["probability"] >= 0.5).all()
    assert _f1(pairs, _truth(truth)) >= 0.95
    cross_script = pairs.merge(a.add_suffix("_a"), on="record_id_a").merge(
        b.add_suffix("_b"), on="record_id_b"
    )
    assert (
        cross_script["surname_a"].map(str.isascii) != cross_script["surname_b"].map(str.isascii)
    ).any()
    dual = pd.read_csv(out.with_suffix(".dual.csv"), dtype=str)
    assert len(dual) > 0 and (dual["citizenship_a"] != dual["citizenship_b"]).all()
    svg = ET.parse(out.with_suffix(".weights.svg")).getroot()  # noqa: S314 (our own file)
    assert svg.tag.endswith("svg") and len(svg.findall(".//{http://www.w3.org/2000/svg}rect")) > 5


def test_a_higher_threshold_keeps_fewer_pairs(registries):
    _, a, b, _ = registries
    loose = linkage.link(
        linkage.read_frame(a), linkage.read_frame(b), threshold=0.5, progress=lambda _: None
    )
    strict = linkage.link(
        linkage.read_frame(a), linkage.read_frame(b), threshold=0.999, progress=lambda _: None
    )
    assert len(strict.pairs) < len(loose.pairs)
    assert (strict.pairs["probability"] >= 0.999).all()


def _bad(tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    good = tmp_path / "good.csv"
    good.write_text("record_id,surname,birth_date\n1,Иванов,1980-01-02\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "pairs.csv"
    run = subprocess.run(
        [*MIGREX, "link", str(good), str(bad), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 2
    assert not out.exists() and not out.with_suffix(".dual.csv").exists()
    return run


def test_an_impossible_date_is_named_by_line_and_column(tmp_path):
    run = _bad(
        tmp_path, "record_id,surname,birth_date\n1,Petrov,1980-01-02\n2,Sidorov,1981-02-30\n"
    )
    assert "bad.csv, строка/line 3, birth_date: '1981-02-30'" in run.stderr


def test_a_repeated_record_id_is_named(tmp_path):
    run = _bad(tmp_path, "record_id,surname\n7,Petrov\n7,Sidorov\n")
    assert "строка/line 3, record_id: '7' повторяется / appears twice" in run.stderr


def test_a_file_without_record_id_is_refused(tmp_path):
    run = _bad(tmp_path, "id,surname\n7,Petrov\n")
    assert "нет столбца record_id / no record_id column" in run.stderr


def test_parquet_is_read_like_csv(registries, tmp_path):
    _, a, _, _ = registries
    a.to_parquet(tmp_path / "a.parquet")
    assert linkage.read(tmp_path / "a.parquet").equals(linkage.read_frame(a))


def test_febrl4_is_linked_at_f1_of_at_least_099():
    a, b, truth = febrl4()
    result = linkage.link(
        linkage.read_frame(a), linkage.read_frame(b), one_to_one=True, progress=lambda _: None
    )
    assert _f1(result.pairs, truth) >= 0.99


@pytest.mark.skipif(
    "postgres" in os.environ.get("DATABASE_URL", ""),
    reason="no database involved: run once, with the SQLite pass",
)
@pytest.mark.spark
def test_the_spark_backend_links_like_duckdb():
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime")
    a, b, truth = febrl4()
    result = linkage.link(
        linkage.read_frame(a),
        linkage.read_frame(b),
        one_to_one=True,
        backend="spark",
        progress=lambda _: None,
    )
    assert _f1(result.pairs, truth) >= 0.99
