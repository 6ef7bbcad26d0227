"""Batch linkage of two person registries across scripts: `migrex link A B --out PAIRS.csv`.

Each registry is a CSV or Parquet file with a `record_id` column and any of `surname, first_name,
patronymic, sex, birth_date (YYYY-MM-DD), birth_place, citizenship, document_number,
personal_number, residence_address`, names in any script. Names are compared on their folding keys
(`translit.fold`: the official tables where they apply, ICU's general transliterator for scripts
and letters none holds), so Оганесян, Hovhannisyan and Հովհաննիսյան meet, and level by level
below that (consonant skeleton, Jaro-Winkler), so that spellings no table yields still count
(`comparisons`). The probabilistic model is Splink's Fellegi-Sunter: u taken from the registries
themselves (one sample of random pairs scored in one query, the equality levels counted exactly from
the value counts: `training`), m by expectation maximisation; on DuckDB by default or on a Spark
session (`--backend spark`).

Output: one row per linked pair at or above the threshold (`record_id_a, record_id_b,
probability`); beside it `<out>.dual.csv`, the linked pairs whose citizenships differ (the
dual-citizenship report, Art. 3.1.1 and the parties' common aim), and `<out>.weights.svg`, the
distribution of match weights over the scored pairs.

Clerical review: with `--review-band LOW HIGH` (e.g. 0.2 0.8) the pairs whose probability lies in
[LOW, HIGH) are taken out of the pairs and written to `<out>.review.csv`, both records side by side
field by field (`surname_a, surname_b, first_name_a, ...`), the most probable first, for a person
to decide; the pairs file then holds the pairs at or above both the threshold and HIGH. With
`--one-to-one` the mutual-best rule runs before the split, so a record in the review sheet is
nobody's better match in the pairs file.

The progress lines are the command's own, Russian and English; Splink's and DuckDB's messages
(English, for a data scientist) go to the `migrex.matching.linkage` logger at DEBUG.

Modules: `records` (reading and preparing the registries), `comparisons` (what the model compares
and the blocking rules), `training` (u, the rules EM learns m on), `model` (the backend, training,
scoring, the one-to-one rule, the review band), `reports` (the dual-citizenship report, the review
sheet and the chart), `command` (the command `main`).
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
from migrex.matching.linkage.training import EM_PAIRS, MIN_TRAINING_PAIRS, Counts, u_values

__all__ = [
    "BLOCKS",
    "COLUMNS",
    "DATE",
    "EM_PAIRS",
    "MIN_TRAINING_PAIRS",
    "NAMES",
    "SEX",
    "Counts",
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
