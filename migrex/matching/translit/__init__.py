"""Names in Russian, Kazakh, Belarusian and Ukrainian Cyrillic, Armenian script and Latin spellings:
script and language detection, the official romanisation schemes, and a folding key that lets all
spellings of one name meet.

Schemes (`SCHEMES`, name → `Scheme`):

- Russian, through `iuliia`: ICAO Doc 9303, GOST R 52535.1-2006, MVD 310-1997, MVD 782-2000,
  BGN/PCGN (iuliia leaves a Cyrillic ё in that one; it is written ë as BGN/PCGN has it).
- Kazakh: the ICAO 9303 practice of Kazakh passports (Ә→A, Ғ→G, Қ→K, Ң→N, Ө→O, Ұ→U, Ү→U, Һ→H,
  І→I, the Russian ICAO table for the rest) and the Latin alphabet as revised in 2021 (31 letters:
  Ä Ğ Q Ñ Ö Ū Ü Ş, İ for и/й and I ı for і; Ё→İo, Ю→İu, Я→İa, Ц→Ts, Ч→Tş, Щ→Şş).
- Belarusian: the national system for geographic names (2000 instruction as amended in 2007:
  č š ž ŭ, ź ń ś ć ĺ for a consonant with the soft sign, ch for х, c for ц, je/jo/ju/ja initially
  and after a vowel, ў or an apostrophe, ie/io/iu/ia after a consonant) and the ICAO 9303 practice
  of Belarusian passports (г→h, ў→u, х→kh, ц→ts; я/ю/ё→ya/yu/yo initially and after а е ё о у э
  ю я ў, ia/iu/io elsewhere; a final ый→y).
- Ukrainian: the national table of the Cabinet of Ministers (resolution No. 55 of 27 January 2010).
- Armenian: the spelling of Armenian passports (BGN/PCGN letters without the aspiration apostrophe:
  Ու→U, Ո→VO and Ե→YE initially, և→EV/YEV, Ղ→GH, Խ→KH, Ջ→J, Ճ/Չ→CH, Ծ/Ց→TS), BGN/PCGN (1981) and
  ISO 9985 (1996, with diacritics).

`fold(text)` is the comparison key. Every script is first written in one canonical ASCII Latin of
its own (the Armenian passport spelling; a context-free table for Cyrillic, г→h for Belarusian and
Ukrainian text). That Latin, and any Latin input, is then read phonetically:

- diacritics are spelt out (č→ch, ž→zh, ş→sh, ä→a, ğ→g, ç→ts, ū→u, ı→i...);
- х, ч, h, kh, ch, a leading x become one letter h. Keeping ч and х together is deliberate: "ch"
  is ч in English-style spellings and х in Belarusian, Czech, Polish and German ones (Michail);
- c is ts before e/i/y and in a word with Łacinka or ISO 9985 letters, k otherwise; x is ks;
- j is ж in a text with Kazakh 2021 letters and before i, a glide otherwise (Jurij, Andrej);
  in a text with ISO 9985 letters j is ձ (dz) and ow is ու (u);
- y/j/i are one letter; ie→e, io→e (ё), a leading vo→o (Armenian Ո), ou→u, a final Belarusian
  -оў/-аў/-еў→-ov/-ev; double letters are one.

Patronymics then become root+"ovih" (son of) or root+"ovna" (daughter of) whatever the language
(-ович/-евич/-авіч/-ұлы/-uly, -овна/-евна/-аўна/-івна/-қызы/-kyzy; the endings are data), and the
groups of `migrex/matching/data/variants.yaml` (spellings no transliteration yields: Оганесян /
Hovhannisyan, Сяргей / Sergey, Вольга / Olga...) replace a word by the key of their first member;
a word that is a member plus a final -a (Аляксандра, Пятрова) follows its member. Female surnames
keep their ending (Иванова ≠ Иванов): sex is a field of its own, and a different key for the
female form keeps the surname keys as sharp as the data allows.

A word in a script or with a letter none of the tables holds (Georgian, Greek, Arabic, Chinese,
Tajik ҳ, Azerbaijani ə...) goes through ICU's general transliterator (`Any-Latin; Latin-ASCII`,
`fallback`) and is folded as the Latin it gives: the tables first, ICU behind them.

The key is idempotent (fold(fold(x)) == fold(x)), lowercase ASCII for any input, words separated
by one space; case, hyphens, spaces and apostrophes do not matter.

`skeleton(fold(text))` is a coarser key for a second, wider search (`skeleton`): the consonants of
the folding key, one per class (voiced with unvoiced, к г х ч ц together, ж with the glide), so that
spellings made by ear meet: Ахмедов / Axmetov / Ахметов, Sevcenko / Шевченко, Jumabaev / Жумабаев.
It finds candidates; it never decides that two names are one.

Known limits: a Latin j before a vowel is read as a glide unless the text shows Kazakh 2021
letters, so a bare Kazakh "Jomart" is not Жомарт (variant data covers common names, Janna among
them); ISO 9985 j (ձ) and a final x (խ) are read the English way when nothing else in the text is
ISO 9985; Belarusian and Ukrainian words without a letter of their own are read as Russian (г→g),
so Ганна meets Hanna only through the variant data; Armenian patronymics (genitive -ի) and the
Russian -ич of names in -а (Ильич, Никитич) are left as written.

Timings (CPython 3.11, one core; `folding._bench()`): uncached, about 13 µs per word, 35-40 µs
for a three-word Cyrillic or Latin full name and 55 µs for a two-word Armenian one; cached, about
0.08 µs per call (functools.lru_cache, 2**18 entries).

Modules: `detection` (script and language), `engine` (the table engine), the scheme tables of
`russian`, `kazakh`, `belarusian`, `ukrainian` and `armenian` (with Armenian in Russian Cyrillic),
`schemes` (the registry), `phonetic` (the reading behind the key), `variants` (the variant data),
`fallback` (ICU for what no table holds), `folding` (the key) and `skeleton` (the coarser key).
Pure package: no Django, nothing from another migrex package (PyICU its one library).
"""

from __future__ import annotations

from migrex.matching.translit.armenian import cyrillic
from migrex.matching.translit.detection import Detected, detect
from migrex.matching.translit.folding import _bench as _bench
from migrex.matching.translit.folding import fold, fold_patronymic
from migrex.matching.translit.schemes import SCHEMES, Scheme, latin, schemes_for, spellings
from migrex.matching.translit.skeleton import skeleton
from migrex.matching.translit.variants import VARIANTS_PATH as VARIANTS_PATH
from migrex.matching.translit.variants import _load as _load
from migrex.matching.translit.variants import _variants as _variants
from migrex.matching.translit.variants import variant_groups

__all__ = [
    "SCHEMES",
    "Detected",
    "Scheme",
    "cyrillic",
    "detect",
    "fold",
    "fold_patronymic",
    "latin",
    "schemes_for",
    "skeleton",
    "spellings",
    "variant_groups",
]
