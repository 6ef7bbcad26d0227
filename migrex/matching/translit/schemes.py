"""The registry of romanisation schemes (`SCHEMES`, name → `Scheme`) and the functions that
write a name by them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from migrex.matching.translit.armenian import _HY_BGN, _HY_ISO, _HY_PASSPORT
from migrex.matching.translit.belarusian import _BE_ICAO, _BE_NATIONAL
from migrex.matching.translit.detection import detect
from migrex.matching.translit.kazakh import _KK_2021, _KK_ICAO
from migrex.matching.translit.russian import (
    _RU_BGN_PCGN,
    _RU_GOST_52535,
    _RU_ICAO_9303,
    _RU_MVD_310,
    _RU_MVD_782,
)
from migrex.matching.translit.ukrainian import _UK_NATIONAL


@dataclass(frozen=True)
class Scheme:
    name: str
    language: str
    title: str
    title_ru: str
    _run: Callable[[str], str] = field(repr=False, compare=False)

    def latin(self, text: str) -> str:
        return self._run(text)


def _scheme(name: str, title: str, title_ru: str, run: Callable[[str], str]) -> Scheme:
    return Scheme(name, name.split(":", 1)[0], title, title_ru, run)


SCHEMES: dict[str, Scheme] = {
    s.name: s
    for s in (
        _scheme(
            "ru:icao_9303",
            "ICAO Doc 9303 (passports)",
            "ICAO Doc 9303 (паспорта)",
            _RU_ICAO_9303,
        ),
        _scheme(
            "ru:gost_52535",
            "GOST R 52535.1-2006",
            "ГОСТ Р 52535.1-2006",
            _RU_GOST_52535,
        ),
        _scheme("ru:mvd_310", "MVD order 310 (1997)", "Приказ МВД № 310 (1997)", _RU_MVD_310),
        _scheme("ru:mvd_782", "MVD order 782 (2000)", "Приказ МВД № 782 (2000)", _RU_MVD_782),
        _scheme(
            "ru:bgn_pcgn",
            "BGN/PCGN (1947)",
            "BGN/PCGN (1947)",
            _RU_BGN_PCGN,
        ),
        _scheme(
            "kk:icao",
            "ICAO Doc 9303 as in Kazakh passports",
            "ICAO Doc 9303 (паспорта Казахстана)",
            _KK_ICAO,
        ),
        _scheme(
            "kk:latin_2021",
            "Kazakh Latin alphabet (2021 revision)",
            "Казахский латинский алфавит (редакция 2021 г.)",
            _KK_2021,
        ),
        _scheme(
            "be:national",
            "Belarusian national system (geographic names, 2000/2007)",
            "Национальная система Беларуси (географические названия, 2000/2007)",
            _BE_NATIONAL,
        ),
        _scheme(
            "be:icao",
            "ICAO Doc 9303 as in Belarusian passports",
            "ICAO Doc 9303 (паспорта Беларуси)",
            _BE_ICAO,
        ),
        _scheme(
            "uk:national",
            "Ukrainian national system (Cabinet of Ministers, 2010)",
            "Национальная система Украины (Кабинет министров, 2010)",
            _UK_NATIONAL,
        ),
        _scheme(
            "hy:passport",
            "Armenian passports",
            "Паспорта Армении",
            _HY_PASSPORT,
        ),
        _scheme("hy:bgn_pcgn", "BGN/PCGN (1981)", "BGN/PCGN (1981)", _HY_BGN),
        _scheme("hy:iso_9985", "ISO 9985 (1996)", "ISO 9985 (1996)", _HY_ISO),
    )
}


def schemes_for(language: str | None) -> list[Scheme]:
    return [s for s in SCHEMES.values() if s.language == language]


def latin(text: str, scheme_name: str) -> str:
    """`text` in the Latin spelling of one scheme (KeyError for an unknown name)."""
    return SCHEMES[scheme_name].latin(text)


def spellings(text: str) -> dict[str, str]:
    """Every scheme of the detected language → its spelling of `text` (empty for Latin text)."""
    return {s.name: s.latin(text) for s in schemes_for(detect(text).language)}
