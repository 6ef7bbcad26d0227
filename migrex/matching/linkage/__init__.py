"""Batch linkage of two person registries across scripts: `migrex link A B --out PAIRS.csv`.

Each registry is a CSV or Parquet file with a `record_id` column and any of `surname, first_name,
patronymic, sex, birth_date (YYYY-MM-DD), birth_place, citizenship, document_number,
personal_number`, names in any script. Names are compared on their folding keys
(`translit.fold`), so Оганесян, Hovhannisyan and Հովհաննիսյան meet; the probabilistic model is
Splink's Fellegi-Sunter (u by random sampling, m by expectation maximisation), on DuckDB by default
or on a Spark session (`--backend spark`).

Output: one row per linked pair at or above the threshold (`record_id_a, record_id_b,
probability`); beside it `<out>.dual.csv`, the linked pairs whose citizenships differ (the
dual-citizenship report, Art. 3.1.1 and the parties' common aim), and `<out>.weights.svg`, the
distribution of match weights over the scored pairs.

Modules: `records` (reading and preparing the registries), `model` (Splink: blocking, training,
scoring, the one-to-one rule), `reports` (the dual-citizenship report and the chart), `command`
(the command `main`).
"""

from __future__ import annotations

from migrex.matching.linkage.command import main
from migrex.matching.linkage.comparisons import BLOCKS
from migrex.matching.linkage.model import Linked, link
from migrex.matching.linkage.records import (
    COLUMNS,
    DATE,
    NAMES,
    SEX,
    LinkError,
    prepare,
    read,
    read_frame,
)
from migrex.matching.linkage.reports import dual_citizenship, review_sheet, weights_chart
from migrex.matching.linkage.training import EM_PAIRS, MIN_TRAINING_PAIRS, u_values

__all__ = [
    "BLOCKS",
    "COLUMNS",
    "DATE",
    "EM_PAIRS",
    "MIN_TRAINING_PAIRS",
    "NAMES",
    "SEX",
    "LinkError",
    "Linked",
    "dual_citizenship",
    "link",
    "main",
    "prepare",
    "read",
    "read_frame",
    "review_sheet",
    "u_values",
    "weights_chart",
]
