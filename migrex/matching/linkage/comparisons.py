"""What the linkage model compares and which pairs it scores: the comparisons (each an ordered list
of levels, first match wins), where expectation maximisation starts for each, and the blocking
rules.

Names are compared on their folding keys (`translit.fold`), degrading level by level: the same
key (with a term-frequency adjustment, so that two Ивановы count for less than two Тилеубердиевы),
the surname written as the given name or the reverse, the same consonant skeleton
(`translit.skeleton`: spellings made by ear or by an ad-hoc letter-by-letter scheme,
Nyrsyltan / Нұрсұлтан, Howhannisjan / Оганесян), then two bands of Jaro-Winkler similarity on the
keys (a typo or two), else different. Patronymics and birthplaces: the same key (term-frequency
adjusted), close, different. Dates: equal, one typo, day and month swapped, a day off (across a
month's end too), the same day and month within nine years, different. Document and personal
numbers: equal, one typo, different. Sex: equal or not. The one-typo levels ask Damerau-Levenshtein
only where a cheap condition it implies holds (`_one_typo`): the costliest function of the model.

A woman's surname that differs (a married name) costs the pair the "different" weight of the
surname; whether the pair still links is up to the fields a marriage leaves alone (patronymic,
birthplace, the document and personal numbers). The namesakes that share a given name, a birth
date and a sex under different surnames are strangers, and those same fields tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

# Columns `records.prepare` derives for the comparisons and the blocking rules.
SKELETONS = {"surname": "surname_skel", "first_name": "first_name_skel"}
DERIVED = ("birth_month", "birth_either", "birth_day", "initials", *SKELETONS.values())


@dataclass
class Spec:
    """One comparison: its levels (the first is the null level), the m values expectation
    maximisation starts from (one per non-null level), and the levels whose u is the chance that
    two values drawn at random are equal (`equal`: non-null level index → (left, right) column),
    computed exactly from the value counts instead of a sample."""

    column: str
    levels: list
    m_start: list[float]
    equal: dict[int, tuple[str, str]]

    def comparison(self, u: list[float] | None = None):
        comparison = cl.CustomComparison(
            output_column_name=self.column, comparison_levels=self.levels
        )
        total = sum(self.m_start)
        comparison.configure(m_probabilities=[m / total for m in self.m_start])
        if u is not None:
            comparison.configure(u_probabilities=u)
        return comparison


def _name(column: str, present: set[str]) -> Spec:
    other = "first_name" if column == "surname" else "surname"
    levels = [cll.NullLevel(column), cll.ExactMatchLevel(column, term_frequency_adjustments=True)]
    m_start = [0.85]
    equal = {0: (column, column)}
    if other in present:  # the surname written as the first name and the reverse
        levels.append(cll.CustomLevel(f"{column}_l = {other}_r", label_for_charts="names swapped"))
        m_start.append(0.01)
        equal[1] = (column, other)
    skel = SKELETONS[column]
    levels += [
        cll.CustomLevel(f"{skel}_l = {skel}_r", label_for_charts="same consonant skeleton"),
        cll.JaroWinklerLevel(column, 0.92),
        cll.JaroWinklerLevel(column, 0.8),
        cll.ElseLevel(),
    ]
    m_start += [0.05, 0.03, 0.02, 0.04]
    return Spec(column, levels, m_start, equal)


def _close(column: str, threshold: float, m_start: list[float], tf: bool = False) -> Spec:
    levels = [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column, term_frequency_adjustments=tf),
        cll.JaroWinklerLevel(column, threshold),
        cll.ElseLevel(),
    ]
    return Spec(column, levels, m_start, {0: (column, column)})


def _one_typo(column: str, guard: str):
    """Damerau-Levenshtein distance at most 1, asked only where `guard` (a cheap condition that
    distance 1 implies) holds: the distance costs microseconds a pair, and most pairs fail the
    guard."""
    return cll.And(
        cll.CustomLevel(guard.format(l=f"{column}_l", r=f"{column}_r")),
        cll.DamerauLevenshteinLevel(column, 1),
    ).configure(label_for_charts=f"{column}: one typo")


# One edit leaves the first three or the last three characters of a string of seven or more alone.
_ENDS = (
    "(length({l}) < 7 OR substr({l}, 1, 3) = substr({r}, 1, 3) OR "
    "substr({l}, length({l}) - 2, 3) = substr({r}, length({r}) - 2, 3))"
)
_NEAR_YEAR = (
    "abs(CAST(substr(birth_date_l, 1, 4) AS INTEGER) - "
    "CAST(substr(birth_date_r, 1, 4) AS INTEGER)) <= {within}"
)
# One edit of a YYYY-MM-DD date leaves the year or the month and day alone.
_DATE_PART = "(substr({l}, 1, 4) = substr({r}, 1, 4) OR substr({l}, 6, 5) = substr({r}, 6, 5))"


def _number(column: str) -> Spec:
    levels = [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column),
        _one_typo(column, _ENDS),
        cll.ElseLevel(),
    ]
    return Spec(column, levels, [0.5, 0.05, 0.45], {0: (column, column)})


def _date() -> Spec:
    levels = [
        cll.NullLevel("birth_date"),
        cll.ExactMatchLevel("birth_date"),
        _one_typo("birth_date", _DATE_PART),
        cll.CustomLevel(
            "substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4) AND "
            "substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2) AND "
            "substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)",
            label_for_charts="day and month swapped",
        ),
        cll.And(  # a day off, across a month's or a year's end too
            cll.CustomLevel(_NEAR_YEAR.format(within=1)),
            cll.AbsoluteDateDifferenceLevel(
                "birth_date", input_is_string=True, threshold=1, metric="day"
            ),
        ).configure(label_for_charts="a day off"),
        cll.CustomLevel(  # a wrong year digit or a decade slip
            "substr(birth_date_l, 6, 5) = substr(birth_date_r, 6, 5) AND "
            + _NEAR_YEAR.format(within=9),
            label_for_charts="same day and month, a year within nine",
        ),
        cll.ElseLevel(),
    ]
    m_start = [0.9, 0.04, 0.01, 0.02, 0.01, 0.02]
    return Spec("birth_date", levels, m_start, {0: ("birth_date",) * 2})


def specs(present: set[str]) -> list[Spec]:
    """The comparisons of the columns both registries hold. The starting m values are the share
    of each level among true matches in a registry of decent quality. Started from Splink's flat
    defaults, EM on name-blocked pairs can settle on "same birthplace" as the match class."""
    made = {
        "surname": lambda: _name("surname", present),
        "first_name": lambda: _name("first_name", present),
        "patronymic": lambda: _close("patronymic", 0.9, [0.8, 0.1, 0.1], tf=True),
        "birth_date": _date,
        "sex": lambda: Spec(
            "sex",
            [cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()],
            [0.99, 0.01],
            {0: ("sex", "sex")},
        ),
        "birth_place": lambda: _close("birth_place", 0.9, [0.8, 0.1, 0.1], tf=True),
        "document_number": lambda: _number("document_number"),
        "personal_number": lambda: _number("personal_number"),
        "residence_address": lambda: Spec(
            "residence_address",
            [
                cll.NullLevel("residence_address"),
                cll.ExactMatchLevel("residence_address"),
                cll.JaroWinklerLevel("residence_address", 0.95),
                cll.JaroWinklerLevel("residence_address", 0.85),
                cll.ElseLevel(),
            ],
            [0.6, 0.15, 0.1, 0.15],
            {0: ("residence_address",) * 2},
        ),
    }
    return [make() for column, make in made.items() if column in present]


# Pairs the model scores: a true pair meets at least one of these unless it differs everywhere.
# The skeleton blocks hold the exact-key ones (one key, one skeleton); the initials with the date
# catch a typo in both names at once; the names with the year and month a wrong or a shifted day,
# with the year and the day and month in either order a day and month swapped, with the day and
# month a wrong year. Each stays within what common names allow at a million records a side.
BLOCKS = (
    ("surname_skel", "birth_date"),
    ("first_name_skel", "birth_date"),
    ("initials", "birth_date"),
    ("surname_skel", "first_name_skel", "birth_month"),
    ("surname_skel", "first_name_skel", "birth_either"),
    ("surname_skel", "first_name_skel", "birth_day"),
    ("personal_number",),
    ("document_number",),
    ("residence_address",),
)


def blocks(present: set[str]) -> list:
    available = present | set(DERIVED)
    rules: list = [block_on(*columns) for columns in BLOCKS if set(columns) <= available]
    if {"surname", "first_name"} <= present:  # names swapped
        rules.append("l.surname = r.first_name AND l.first_name = r.surname")
    return rules


def settings(present: set[str], u: dict[str, list[float]] | None = None) -> SettingsCreator:
    u = u or {}
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[spec.comparison(u.get(spec.column)) for spec in specs(present)],
        blocking_rules_to_generate_predictions=blocks(present),
        em_convergence=0.001,  # m moves by less than a tenth of a percent: done
        max_iterations=15,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
