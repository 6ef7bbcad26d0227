"""The second evaluation generator of the linkage benchmark (bench/linkage_registries.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from bench import linkage_registries
from migrex.matching.linkage import records

BENCH = Path(linkage_registries.__file__).parent


@pytest.fixture(scope="module")
def generated():
    return linkage_registries.generate(600, seed=5)


def test_the_same_seed_gives_the_same_registries(generated):
    again = linkage_registries.generate(600, seed=5)
    for first, second in zip(generated, again, strict=True):
        pd.testing.assert_frame_equal(first, second)
    other = linkage_registries.generate(600, seed=6)
    assert not generated[0]["surname"].equals(other[0]["surname"])


def test_registries_have_the_columns_migrex_link_reads(generated, tmp_path):
    a, b, truth, labels = generated
    linkage_registries.write(tmp_path, a, b, truth, labels)
    for name in ("a", "b"):
        frame = records.read(tmp_path / f"{name}.parquet")
        assert list(frame.columns) == ["record_id", *records.COLUMNS[:-1]]
        assert len(frame) == 600
        assert frame["birth_date"].str.fullmatch(r"(\d{4}-\d{2}-\d{2})?").all()


def test_truth_pairs_exist_in_both_registries_and_are_labelled(generated):
    a, b, truth, labels = generated
    assert len(truth) == 480  # overlap 0.8
    assert truth["record_id_a"].isin(a["record_id"]).all()
    assert truth["record_id_b"].isin(b["record_id"]).all()
    assert truth["record_id_a"].is_unique and truth["record_id_b"].is_unique
    pairs = set(truth["script_pair"])
    assert {"Cyrillic–Latin", "Armenian–Latin", "Kazakh–Latin", "Cyrillic–Cyrillic"} <= pairs
    assert set(labels["script"]) <= {"Cyrillic", "Kazakh", "Armenian", "Latin"}
    assert len(labels) == 1200


def test_registries_differ_in_script_and_spelling(generated):
    a, b, truth, _ = generated
    merged = truth.merge(a.add_suffix("_a"), on="record_id_a").merge(
        b.add_suffix("_b"), on="record_id_b"
    )
    latin_b = merged["surname_b"].str.fullmatch(r"[A-Za-z' -]+").mean()
    assert 0.6 < latin_b < 0.95
    assert (merged["surname_a"] != merged["surname_b"]).mean() > 0.7


def test_the_generator_shares_no_code_with_migrex():
    paths = sorted(BENCH.glob("*registr*.py"))
    assert len(paths) >= 3, paths  # the generator, its name pools and its romanisations
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                assert not any(alias.name.startswith("migrex") for alias in node.names), path
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("migrex"), path
