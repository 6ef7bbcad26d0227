"""What the dataset and mirror pages show: the chosen series, its charts and the same figures as
tables, in the active language (Russian first, Art. 14)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from migrex.stats import analysis, charts
from migrex.stats.models import StatDataset


def _lang() -> str:
    return "en" if (get_language() or "ru").startswith("en") else "ru"


def series_of(dataset: StatDataset) -> dict[analysis.Key, list[analysis.Point]]:
    return analysis.series((o.period, o.key, o.number) for o in dataset.observations.all())


@dataclass
class Choice:
    index: int
    label: str
    selected: bool


def choose(keys: list[analysis.Key], wanted: str | None) -> tuple[int, list[Choice]]:
    index = int(wanted) if wanted and wanted.isdigit() and int(wanted) < len(keys) else 0
    return index, [Choice(i, analysis.label(k), i == index) for i, k in enumerate(keys)]


def _listing(pairs: list[tuple[str, str]]) -> str:
    shown = "; ".join(f"{a} — {b}" for a, b in pairs[:24])
    return shown + ("; …" if len(pairs) > 24 else "")


def dataset_page(dataset: StatDataset, wanted: str | None) -> dict:
    lang = _lang()
    found = series_of(dataset)
    keys = sorted(found)
    index, choices = choose(keys, wanted)
    points = found[keys[index]] if keys else []
    name = analysis.label(keys[index]) if keys else "—"
    unit = f" ({dataset.unit})" if dataset.unit else ""
    values = [(p.period.text, charts.number(p.value, lang)) for p in points]
    timeline = charts.bar_chart(
        chart_id="chart-series",
        title=_("%(indicator)s by period") % {"indicator": dataset.indicator},
        desc=_("Bar chart of %(indicator)s%(unit)s, %(series)s: %(values)s.")
        % {
            "indicator": dataset.indicator,
            "unit": unit,
            "series": name,
            "values": _listing(values),
        },
        groups=[p.period.text for p in points],
        series=[(name, [p.value for p in points])],
        fmt=lambda v: charts.number(v, lang),
    )
    changes = analysis.year_on_year(points)
    rows = [
        {
            "period": c.current.period.text,
            "previous_period": c.previous.period.text,
            "previous": charts.number(c.previous.value, lang),
            "current": charts.number(c.current.value, lang),
            "delta": charts.signed(c.delta, lang),
            "percent": charts.percent(c.percent, lang),
        }
        for c in changes
    ]
    yoy = None
    if changes:
        yoy = charts.bar_chart(
            chart_id="chart-yoy",
            title=_("Year-on-year change of %(indicator)s") % {"indicator": dataset.indicator},
            desc=_(
                "Bar chart of the change against the same period a year earlier, in per cent: "
                "%(values)s."
            )
            % {"values": _listing([(r["period"], r["percent"]) for r in rows])},
            groups=[r["period"] for r in rows],
            series=[(_("change, per cent"), [c.percent for c in changes])],
            fmt=lambda v: charts.percent(v, lang),
            signed=True,
        )
    return {
        "choices": choices,
        "series_name": name,
        "points": values,
        "timeline": mark_safe(timeline),  # noqa: S308 - built by charts.py, every text escaped
        "yoy": mark_safe(yoy) if yoy else None,  # noqa: S308 - as above
        "yoy_rows": rows,
    }


def side_label(dataset: StatDataset) -> str:
    holder = dataset.provider if dataset.received else dataset.authority
    party = holder.party.name_en if _lang() == "en" else holder.party.name_ru
    return _("%(party)s (%(authority)s)") % {"party": party, "authority": holder.code}


def mirror_page(ours: StatDataset, theirs: StatDataset, wanted: str | None) -> dict:
    lang = _lang()
    rows = analysis.mirror(series_of(ours), series_of(theirs))
    keys = sorted({r.key for r in rows})
    index, choices = choose(keys, wanted)
    shown = [r for r in rows if keys and r.key == keys[index]]
    our_label, their_label = side_label(ours), side_label(theirs)

    def num(v):
        return charts.number(v, lang) if v is not None else "—"

    def diff(v):
        return charts.signed(v, lang) if v is not None else "—"

    table = [
        {
            "period": r.period,
            "key": analysis.label(r.key),
            "ours": num(r.ours),
            "theirs": num(r.theirs),
            "gap": diff(r.gap),
            "gap_percent": charts.percent(r.gap_percent, lang) if r.gap is not None else "—",
        }
        for r in rows
    ]
    notes = [
        f"Δ {diff(r.gap)} ({charts.percent(r.gap_percent, lang)})" if r.gap is not None else ""
        for r in shown
    ]
    listing = [
        (r.period, f"{our_label} {num(r.ours)}, {their_label} {num(r.theirs)}, Δ {diff(r.gap)}")
        for r in shown
    ]
    chart = charts.bar_chart(
        chart_id="chart-mirror",
        title=_("Mirror statistics: %(indicator)s") % {"indicator": ours.indicator},
        desc=_("Bar chart of what each party reported for the same period: %(values)s.")
        % {"values": _listing(listing)},
        groups=[r.period for r in shown],
        series=[(our_label, [r.ours for r in shown]), (their_label, [r.theirs for r in shown])],
        fmt=lambda v: charts.number(v, lang),
        notes=notes,
    )
    return {
        "choices": choices if len(keys) > 1 else [],
        "rows": table,
        "chart": mark_safe(chart),  # noqa: S308 - built by charts.py, every text escaped
        "our_label": our_label,
        "their_label": their_label,
    }
