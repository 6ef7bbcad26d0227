"""The general transliterator behind the tables: ICU's `Any-Latin; Latin-ASCII`.

The scheme tables (`russian`, `kazakh`, `belarusian`, `ukrainian`, `armenian`) and the phonetic
reading cover the scripts and letters of the parties' registries. A name in any other script
(Georgian, Greek, Arabic, Chinese...), or a letter no table holds (Tajik and Uzbek Cyrillic ҳ ӯ ӣ,
Azerbaijani ə, a rare Latin diacritic), would otherwise stay in the key as written and never meet
its Latin spelling. `fold` hands such a word to ICU's general transliterator and folds its ASCII
output, so Ჯავახიშვილი meets Javakhishvili and Ҳасанов meets Hasanov.

ICU's tables lack a few letters of Cyrillic and Latin alphabets of the region (Tajik and Uzbek ҳ,
Azerbaijani and Kazakh-Latin ə, Abkhaz and Chechen ӏ); `_EXTRA` gives them first. A letter
nothing knows is dropped, so the key stays ASCII.

ICU is called once per distinct word (an LRU cache): a registry repeats its names a great deal.
"""

from __future__ import annotations

import functools

import icu

_EXTRA = "ҳ > h; ә > a; ə > a; ӏ > ; ҷ > dzh; ӣ > i; ӯ > u; қ > k; ғ > g; ң > n; ҙ > z; ҡ > k;"
_ANY_LATIN = icu.Transliterator.createInstance(
    "Any-Lower; Any-Latin; Latin-ASCII; NFD; [:Nonspacing Mark:] Remove; [^\\u0000-\\u007f] Remove"
)
_FIRST = icu.Transliterator.createFromRules("migrex-extra", _EXTRA)


@functools.lru_cache(maxsize=1 << 16)
def latin_ascii(text: str) -> str:
    """`text` in ASCII Latin, through ICU's general transliterator."""
    return _ANY_LATIN.transliterate(_FIRST.transliterate(text.lower()))
