"""The linkage model beyond the tables: ICU behind the folding key for scripts and letters no table
holds, u taken from the registries, the swapped-names level, the clerical-review band and its
file, and an officer's screen free of the libraries' English messages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from migrex.matching import linkage, synthetic
from migrex.matching.linkage import comparisons, records
from migrex.matching.translit import fold, skeleton

ROOT = Path(__file__).resolve().parents[3]
MIGREX = [sys.executable, "-c", "import sys; from migrex.cli import main; main(sys.argv[1:])"]


@pytest.fixture(scope="module")
def registries(tmp_path_factory):
    folder = tmp_path_factory.mktemp("registries")
    a, b, truth = synthetic.generate(3000, seed=11)
    synthetic.write(folder, a, b, truth, format="csv")
    return folder, a, b, truth


# --- ICU behind the tables ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("native", "latin"),
    [
        ("Ჯავახიშვილი", "Javakhishvili"),  # Georgian: no table of ours
        ("Παπαδόπουλος", "Papadopoulos"),  # Greek
        ("Ҳасанов", "Hasanov"),  # Tajik ҳ: a Cyrillic letter ICU lacks too
        ("Əliyev", "Aliyev"),  # Azerbaijani schwa
    ],
)
def test_a_script_no_table_holds_is_folded_through_icu(native, latin):
    key = fold(native)
    assert key.isascii() and key == fold(latin)
    assert fold(key) == key


def test_icu_stays_behind_the_official_tables():
    # Cyrillic and Armenian keep the tables' reading (and their variant data), not ICU's
    assert fold("Оганесян") == fold("Hovhannisyan") == fold("Հովհաննիսյան")
    assert fold("Иванов Ҳасан") == "ivanov hasan"


def test_an_ad_hoc_romanisation_meets_on_the_skeleton():
    # letter by letter, as no official table writes them
    assert skeleton(fold("Nyrsyltan")) == skeleton(fold("Нұрсұлтан"))
    assert skeleton(fold("Axmetov")) == skeleton(fold("Ахметов"))


# --- u from the registries ---------------------------------------------------------------------


def test_u_is_a_distribution_with_the_equal_levels_counted_exactly(registries):
    _, a, b, _ = registries
    left = records.prepare(linkage.read_frame(a), fold=fold)
    right = records.prepare(linkage.read_frame(b), fold=fold)
    present = {c for c in records.COLUMNS if left[c].null_count < len(left) > right[c].null_count}
    specs = comparisons.specs(present)
    u = linkage.u_values(specs, left, right)
    for spec in specs:
        assert len(u[spec.column]) == len(spec.m_start)
        assert sum(u[spec.column]) == pytest.approx(1, abs=1e-3)
        assert all(value > 0 for value in u[spec.column])
    # document numbers are nearly unique: equal by chance far more rarely than surnames
    assert 0 < u["document_number"][0] < u["surname"][0] / 100
    assert u["sex"][0] == pytest.approx(0.5, abs=0.05)


# --- swapped names -----------------------------------------------------------------------------


def test_a_person_whose_names_are_swapped_is_linked(registries):
    _, a, b, truth = registries
    b = b.copy()
    swapped = truth["record_id_b"].head(40)
    rows = b["record_id"].isin(swapped)
    b.loc[rows, ["surname", "first_name"]] = b.loc[rows, ["first_name", "surname"]].to_numpy()
    result = linkage.link(
        linkage.read_frame(a), linkage.read_frame(b), one_to_one=True, progress=lambda _: None
    )
    found = set(zip(result.pairs["record_id_a"], result.pairs["record_id_b"], strict=True))
    expected = set(zip(truth["record_id_a"].head(40), swapped, strict=True))
    assert len(found & expected) >= 36


# --- the review band and the officer's screen --------------------------------------------------


def _link(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*MIGREX, "link", str(folder / "a.csv"), str(folder / "b.csv"), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_the_review_band_is_written_apart_side_by_side(registries, tmp_path):
    folder, a, b, _ = registries
    out = tmp_path / "pairs.csv"
    run = _link(folder, out, "--one-to-one", "--review-band", "0.2", "0.995")
    assert run.returncode == 0, run.stderr
    pairs = pd.read_csv(out, dtype={"record_id_a": str, "record_id_b": str})
    review = pd.read_csv(out.with_suffix(".review.csv"), dtype=str)
    assert len(review) > 0
    probability = review["probability"].astype(float)
    assert ((probability >= 0.2) & (probability < 0.995)).all()
    assert (pairs["probability"] >= 0.995).all()
    both = set(zip(review["record_id_a"], review["record_id_b"], strict=True))
    assert not both & set(zip(pairs["record_id_a"], pairs["record_id_b"], strict=True))
    assert list(review.columns[:5]) == [
        "record_id_a", "record_id_b", "probability", "surname_a", "surname_b",
    ]  # fmt: skip
    first = review.iloc[0]
    assert first["surname_a"] == a.set_index("record_id").loc[first["record_id_a"], "surname"]
    assert first["surname_b"] == b.set_index("record_id").loc[first["record_id_b"], "surname"]
    assert "на проверку / for review" in run.stderr


def test_without_a_band_no_review_file_is_written(registries, tmp_path):
    folder, _, _, _ = registries
    run = _link(folder, tmp_path / "pairs.csv")
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "pairs.review.csv").exists()
    # Splink's and DuckDB's English messages stay off the screen: every line the officer sees
    # is one of the command's own, Russian first
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines and all(re.search("[а-яА-Я]", line) for line in lines), run.stderr
    assert "WARNING" not in run.stderr and "max_pairs" not in run.stderr


def test_a_band_outside_zero_and_one_is_refused(registries, tmp_path):
    folder, _, _, _ = registries
    run = _link(folder, tmp_path / "pairs.csv", "--review-band", "0.8", "0.2")
    assert run.returncode == 2 and "--review-band" in run.stderr
