"""The synthetic registries: the truth joins the same person; the spellings, errors and numbers
come at the documented rates; personal numbers pass their validators; the command writes files."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from migrex.matching import synthetic, translit, validators


@pytest.fixture(scope="module")
def registries():
    a, b, truth = synthetic.generate(20_000, seed=3)
    both = truth.merge(a.add_suffix("_a"), on="record_id_a").merge(
        b.add_suffix("_b"), on="record_id_b"
    )
    return a, b, truth, both


def test_sizes_columns_and_the_truth(registries):
    a, b, truth, both = registries
    assert len(a) == len(b) == 20_000 and len(truth) == len(both) == 10_000
    assert list(a.columns) == list(synthetic.COLUMNS) == list(b.columns)
    assert a["record_id"].is_unique and b["record_id"].is_unique
    assert truth["record_id_a"].is_unique and truth["record_id_b"].is_unique
    assert (both["sex_a"] == both["sex_b"]).all()  # the one field no registry gets wrong here


def test_the_same_seed_gives_the_same_registries():
    first, second = synthetic.generate(500, seed=9), synthetic.generate(500, seed=9)
    for x, y in zip(first, second, strict=True):
        pd.testing.assert_frame_equal(x, y)
    assert not synthetic.generate(500, seed=10)[0].equals(first[0])


def _share(mask) -> float:
    return float(mask.mean())


def test_scripts_and_languages_are_mixed(registries):
    a, b, _, both = registries
    scripts = b["surname"].map(lambda s: translit.detect(s).script).value_counts(normalize=True)
    assert 0.25 < scripts["latin"] < 0.35  # 30 % of B spelt from passports
    assert scripts["armenian"] > 0.002
    languages = a["surname"].map(lambda s: translit.detect(s).language).value_counts()
    assert languages["kk"] > 0 and languages["ru"] > 0
    assert b["first_name"].str.contains("[іў]").any()  # Belarusian forms
    assert a["patronymic"].str.endswith(("ұлы", "қызы"), na=False).any()
    latin_b = both["surname_b"].map(str.isascii) & ~both["surname_a"].map(str.isascii)
    assert _share(latin_b) > 0.2  # the same person in Cyrillic in A and in Latin in B


def test_latin_spellings_come_from_the_schemes_and_fold_back(registries):
    _, _, _, both = registries
    rows = both[both["surname_b"].map(str.isascii) & ~both["surname_a"].map(str.isascii)]
    same = rows["surname_a"].map(translit.fold) == rows["surname_b"].map(translit.fold)
    assert _share(same) > 0.85  # the rest are typos, marriages and the known ISO 9985 limits
    assert rows["surname_b"].str.isupper().any() and not rows["surname_b"].str.isupper().all()


def test_errors_come_at_the_documented_rates(registries):
    a, b, _, both = registries
    dates = _share(both["birth_date_a"] != both["birth_date_b"])
    assert 0.02 < dates < 0.06, dates  # 4 %
    assert 0.05 < _share(b["patronymic"].isna()) < 0.2  # 8 % plus Armenian records
    assert _share(a["patronymic"].isna()) < 0.1
    assert 0.25 < _share(a["birth_place"].isna()) < 0.35
    women = both[both["sex_a"] == "F"]
    folded = women["surname_a"].map(translit.fold) != women["surname_b"].map(translit.fold)
    assert _share(folded) > 0.03  # married names, typos, unfolded spellings


def test_a_swapped_date_is_a_real_date_with_day_and_month_exchanged(registries):
    _, _, _, both = registries
    a_date = pd.to_datetime(both["birth_date_a"])
    b_date = pd.to_datetime(both["birth_date_b"])
    swapped = (a_date.dt.day == b_date.dt.month) & (a_date.dt.month == b_date.dt.day)
    assert (swapped & (a_date != b_date)).any()


def test_personal_numbers_are_valid_and_match_the_record(registries):
    a, b, _, _ = registries
    kazakh = a[a["personal_number"].notna()].head(500)
    assert len(kazakh) and (kazakh["citizenship"] == "KAZ").all()
    for row in kazakh.itertuples():
        iin = validators.parse_iin(row.personal_number)
        assert iin.birth_date.isoformat() == row.birth_date and iin.sex == row.sex
    belarus = b[b["personal_number"].notna()].head(500)
    assert len(belarus) and (belarus["citizenship"] == "BLR").all()
    for row in belarus.itertuples():
        number = validators.parse_belarus_id(row.personal_number)
        assert number.birth_date.isoformat() == row.birth_date and number.sex == row.sex


def test_dual_citizens_and_shared_passports(registries):
    _, _, _, both = registries
    assert 0.15 < _share(both["citizenship_a"] != both["citizenship_b"]) < 0.35
    assert 0.2 < _share(both["document_number_a"] == both["document_number_b"]) < 0.3


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        synthetic.generate(10, overlap=1.5)
    with pytest.raises(ValueError, match="format"):
        synthetic.write("unused", *synthetic.generate(10), format="xlsx")


def test_the_command_writes_three_files_with_progress(tmp_path):
    command = "import sys; from migrex.cli import main; main(sys.argv[1:])"
    run = subprocess.run(
        [sys.executable, "-c", command, "synthetic", "--size", "300", "--out", str(tmp_path),
         "--format", "parquet", "--overlap", "0.2"],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "generating 2 × 300 records" in run.stderr
    truth = pd.read_parquet(tmp_path / "truth.parquet")
    assert len(truth) == 60 and len(pd.read_parquet(tmp_path / "a.parquet")) == 300
