"""Synthetic person registries with the ground truth: `migrex synthetic --size N --out DIR`.

Two registries, A kept by one party (Kazakhstan by default) and B by the other (Belarus), hold the
same people in part (`overlap`, the share of B's records that are people also in A). People are
Russian, Kazakh, Belarusian or Armenian, with names drawn from `data/names.yaml` with Zipf
weights (the first names of a list are the common ones), a father's name for the patronymic, a
sex, a birth date between 1945 and 2007 and a place of birth.

How each registry writes a person (the conventions of its country):

- its own language's people in their own script: Kazakhstan writes a Kazakh in Kazakh Cyrillic
  (60 %) or in the Russified form (Нұрсұлтан / Нурсултан), Belarus writes a Belarusian in
  Belarusian (50 %) or in Russian (Аляксандр / Александр);
- Russians in Russian, in B 20 % with the given name in B's language where the variant data has
  it (Сергей → Сяргей); everyone else in Russian Cyrillic (Հովհաննիսյան → Ованнисян);
- a Kazakh patronymic as -ұлы / -қызы (half of the Kazakh-script records) or -ович / -овна; an
  Armenian written in Armenian script or Latin has no patronymic, as Armenian passports have none.

Then, at these rates (`RATES`), records are spelt from a foreign passport or altered:

                                                              A      B
  the whole name in Latin (a random scheme of the person's       5 %   30 %
  language, `translit.SCHEMES`; in capitals half the time)
  of those, the given name as the holder's own Latin choice     20 %   20 %
  from the variant data (Aleksandr / Alexander)
  an Armenian in Armenian script                                 0     15 %
  one typo in the surname (70 %) or the given name: a letter     1 %    6 %
  dropped, doubled, swapped with its neighbour or wrong
  a shared person's birth date wrong: day and month swapped,     0      4 %
  a day off, a wrong last digit of the year (a third each)
  patronymic missing                                             2 %    8 %
  place of birth missing                                        30 %   30 %
  a shared woman under her married surname                       0      4 %
  a shared person's passport number the same in both            25 %   25 %
  a shared person recorded as a citizen of B (dual)              -     30 %

Personal numbers are valid: a Kazakhstan IIN for citizens of Kazakhstan, a Belarus
identification number for citizens of Belarus (from the birth date and sex as the registry has
them). Document numbers follow each country's passport format.

`generate` is vectorised (numpy): names are rendered once per distinct (name, form) and typos
touch only the altered rows; 1,000,000 + 1,000,000 records take about 20 s.

Modules: `names` (the name lists and the forms of a name), `identifiers` (personal and document
numbers), `generator` (the registries, `generate`, `write` and the command `main`).
"""

from __future__ import annotations

from migrex.matching.synthetic.generator import (
    CITIZENSHIP,
    COLUMNS,
    HOME,
    MIX,
    RATES,
    generate,
    main,
    write,
)
from migrex.matching.synthetic.identifiers import PASSPORT
from migrex.matching.synthetic.names import (
    LANGUAGES,
    LATIN,
    NAMES_PATH,
    NATIVE,
    NEIGHBOUR,
    OWN_LATIN,
    RUSSIAN,
)

__all__ = [
    "CITIZENSHIP",
    "COLUMNS",
    "HOME",
    "LANGUAGES",
    "LATIN",
    "MIX",
    "NAMES_PATH",
    "NATIVE",
    "NEIGHBOUR",
    "OWN_LATIN",
    "PASSPORT",
    "RATES",
    "RUSSIAN",
    "generate",
    "main",
    "write",
]
