"""Name pools of the second evaluation generator (`bench/linkage_registries.py`).

Russian, Ukrainian and Armenian names come from Faker's ru_RU, uk_UA and hy_AM person providers,
Latin-script foreigners from its en_US, de_DE, fr_FR and pl_PL ones. Faker has no Kazakh or
Belarusian names, so those are listed here, Belarusian ones beside their Russian form (Belarusian
registries write either). Every name is kept in two forms: `home` (as its own country writes it)
and `ru` (as a Russian-language registry writes it). Nothing here comes from `migrex`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from faker.providers.address.de_DE import Provider as AddressDE
from faker.providers.address.pl_PL import Provider as AddressPL
from faker.providers.address.ru_RU import Provider as AddressRU
from faker.providers.address.uk_UA import Provider as AddressUA
from faker.providers.person.de_DE import Provider as PersonDE
from faker.providers.person.en_US import Provider as PersonUS
from faker.providers.person.fr_FR import Provider as PersonFR
from faker.providers.person.hy_AM import Provider as PersonHY
from faker.providers.person.pl_PL import Provider as PersonPL
from faker.providers.person.ru_RU import Provider as PersonRU
from faker.providers.person.uk_UA import Provider as PersonUA


def _words(text: str) -> list[str]:
    return text.split()


NATIONS = ("RUS", "UKR", "BLR", "KAZ", "ARM", "LAT")
NATION_WEIGHTS = (0.36, 0.12, 0.12, 0.17, 0.14, 0.09)
FOREIGN_CITIZENSHIP = ("USA", "DEU", "FRA", "POL")

KAZAKH_MALE = _words(
    "Нұрсұлтан Асқар Ерлан Бауыржан Қайрат Ерғали Дәурен Серік Мұрат Ержан Дархан Нұрлан "
    "Ғалым Әділ Жанболат Айдос Арман Бекзат Ерболат Тимур Руслан Марат Азамат Айбек "
    "Бақытжан Болат Ерік Қанат Мейрам Нұржан Олжас Рауан Саят Талғат Төлеген Ұлан Шыңғыс "
    "Ілияс Әлихан Жұмабай Сейітқали Қасым Оспан Сәрсен Ыбырай Мұхаметжан Байжан "
    "Құдайберген Иманғали Ахмет Абай Әбдірахман Төлеу Темірлан Дәулет Ерасыл Нұрбол Санжар "
    "Жандос Мақсат Ғабит Есім Қуаныш Бейбіт Жасұлан Өмірзақ Сұлтан Әлібек Нұрислам Тәуекел "
    "Үмбетәлі Ақжол Берік Ғани Мирас Асылбек Еркебұлан Жомарт Ұлықбек"
)
KAZAKH_FEMALE = _words(
    "Айгүл Гүлнар Динара Әсел Жанар Айжан Мадина Назерке Ақбота Аружан Гүлмира Сәуле "
    "Балжан Жұлдыз Айнұр Ләззат Мөлдір Қарлығаш Салтанат Дана Ұлжан Гүлназ Айым Томирис "
    "Іңкәр Ақмарал Шынар Ботагөз Меруерт Дильназ Камила Әйгерім Гүлжан Раушан Мәдина "
    "Сымбат Жібек Ақерке Гүлсара Күләш Нұргүл Зәуре Бибігүл Әлия Айгерім Дариға Самал "
    "Толқын Үміт Қызғалдақ Індира Ботакөз Мәншүк"
)
KAZAKH_SURNAME_ROOTS = _words(
    "Жұмабай Сейітқали Қасым Оспан Сәрсенбай Ысқақ Мұхаметжан Байжан Құдайберген Тоқай "
    "Назарбай Әли Иманғали Серікбай Ержан Нұрлан Асқар Ахмет Әбдірахман Төлеу Бекмұхамбет "
    "Кенжебай Сұлтанбек Омар Жақып Әбілқасым Ділдәбек Тұрсын Қожахмет Мәмбет Шәріп Есенбай "
    "Әубәкір Дүйсен Бекет Ғабдулла Қалиұлла Мұса Тәжібай Үсен Өтеген Қайырбек Жексенбай "
    "Нұрмағамбет Смағұл Қанапия Рахымжан Тілеу Әмір Қуандық Бисен Жанұзақ Шалқар Ақан "
    "Ерімбет Мұқан Әшім Бөкей Сапар Жүсіп Ораз Қыдыр Ілияс"
)

# Belarusian given names (Belarusian form, Russian form).
BELARUSIAN_MALE = tuple(
    pair.split("/")
    for pair in _words(
        "Аляксандр/Александр Сяргей/Сергей Дзмітрый/Дмитрий Мікалай/Николай "
        "Уладзімір/Владимир Андрэй/Андрей Павел/Павел Аляксей/Алексей Віктар/Виктор "
        "Юрый/Юрий Іван/Иван Васіль/Василий Пётр/Петр Міхаіл/Михаил Яўген/Евгений "
        "Канстанцін/Константин Генадзь/Геннадий Вадзім/Вадим Ігар/Игорь Алег/Олег "
        "Раман/Роман Антон/Антон Максім/Максим Арцём/Артем Кірыл/Кирилл Дзяніс/Денис "
        "Ілля/Илья Віталь/Виталий Анатоль/Анатолий Валерый/Валерий Леанід/Леонид "
        "Уладзіслаў/Владислав Яраслаў/Ярослав Станіслаў/Станислав Франц/Франц Язэп/Иосиф "
        "Рыгор/Григорий Цімафей/Тимофей Захар/Захар Мацвей/Матвей Стэфан/Степан "
        "Аляксей/Алексей"
    )
)
BELARUSIAN_FEMALE = tuple(
    pair.split("/")
    for pair in _words(
        "Алена/Елена Вольга/Ольга Ірына/Ирина Наталля/Наталья Таццяна/Татьяна "
        "Святлана/Светлана Марыя/Мария Ганна/Анна Кацярына/Екатерина Юлія/Юлия "
        "Людміла/Людмила Валянціна/Валентина Надзея/Надежда Вера/Вера Любоў/Любовь "
        "Яўгенія/Евгения Дар'я/Дарья Настасся/Анастасия Жанна/Жанна Аксана/Оксана "
        "Крысціна/Кристина Вікторыя/Виктория Галіна/Галина Тамара/Тамара Алеся/Олеся "
        "Паліна/Полина Ксенія/Ксения Яна/Яна Уладзіслава/Владислава Ларыса/Лариса"
    )
)
BELARUSIAN_SURNAMES = _words(
    "Лукашенко Ковалев Жуковский Богданович Макаревич Радкевич Ярошевич Новик Климович "
    "Кравченко Шевчик Навумчик Козлович Гайдукевич Александрович Лагун Мицкевич Пашкевич "
    "Сенкевич Юркевич Бондаренко Карпович Ракович Лапицкий Вашкевич Кот Жук Воробей "
    "Савицкий Петрашевич Давыдович Горбачевский Василевич Станкевич Грицкевич Шуневич "
    "Кухарчик Левчук Мартинкевич Бурак Дубовик Тарасевич Лещинский Кондратович Белоус "
    "Сидорович Стельмах Рутковский Голуб Ермакович Ничипорчик"
)

CITIES = {
    "BLR": [
        pair.split("/")
        for pair in _words(
            "Мінск/Минск Гомель/Гомель Магілёў/Могилев Віцебск/Витебск Гродна/Гродно  "
            "Брэст/Брест Бабруйск/Бобруйск Баранавічы/Барановичи Барысаў/Борисов Пінск/Пинск  "
            "Орша/Орша Мазыр/Мозырь Салігорск/Солигорск Маладзечна/Молодечно Ліда/Лида"
        )
    ],
    "KAZ": [
        pair.split("/")
        for pair in _words(
            "Алматы/Алматы Астана/Астана Шымкент/Шымкент Қарағанды/Караганда Ақтөбе/Актобе  "
            "Тараз/Тараз Павлодар/Павлодар Өскемен/Усть-Каменогорск Семей/Семей Атырау/Атырау  "
            "Қостанай/Костанай Қызылорда/Кызылорда Орал/Уральск Петропавл/Петропавловск  "
            "Ақтау/Актау Түркістан/Туркестан Талдықорған/Талдыкорган Жезқазған/Жезказган"
        )
    ],
    "ARM": [
        pair.split("/")
        for pair in _words(
            "Երևան/Ереван Գյումրի/Гюмри Վանաձոր/Ванадзор Վաղարշապատ/Вагаршапат Աբովյան/Абовян  "
            "Կապան/Капан Հրազդան/Раздан Արմավիր/Армавир Գավառ/Гавар Արտաշատ/Арташат  "
            "Գորիս/Горис Իջևան/Иджеван Սևան/Севан Աշտարակ/Аштарак"
        )
    ],
}


def patronymic_ru(name: str, female: bool) -> str:
    """A Russian-style patronymic from a father's name (Ерлан → Ерланович, Жұмабай → Жұмабаевич)."""
    if name.endswith(("а", "я")):
        return name[:-1] + ("ична" if female else "ич")
    if name.endswith(("ий", "ей")) and len(name) > 4 and name[-3] in "лнр":  # Василий
        return name[:-2] + ("ьевна" if female else "ьевич")
    if name.endswith("ел"):  # Павел → Павлович
        return name[:-2] + "л" + ("овна" if female else "ович")
    if name.endswith(("й", "ь")):
        return name[:-1] + ("евна" if female else "евич")
    if name.endswith("и"):
        return name + ("евна" if female else "евич")
    return name + ("овна" if female else "ович")


def _surname_from(root: str) -> str:
    if root.endswith(("ай", "ей", "ий")):
        return root[:-1] + "ев"
    if root.endswith(("а", "я", "ь")):
        return root[:-1] + "ин"
    if root.endswith(("и", "е", "і")):
        return root + "ев"
    return root + "ов"


def feminine(surname: str) -> str:
    """The wife's or daughter's form of a surname in Russian, Belarusian or Kazakh use."""
    for male, female in (("ский", "ская"), ("цкий", "цкая"), ("скі", "ская"), ("цкі", "цкая")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    if surname.endswith(("ов", "ев", "ин", "ын", "оў", "еў")):
        return surname.replace("ў", "в") + "а" if surname.endswith("ў") else surname + "а"
    return surname


KAZAKH_TO_RUSSIAN = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")

_BY_RULES = (
    (re.compile(r"щ"), "шч"),
    (re.compile(r"ъ"), "'"),
    (re.compile(r"(?<=[жшчрц])и"), "ы"),
    (re.compile(r"и"), "і"),
    (re.compile(r"(?<=[жшчрц])е"), "э"),
    (re.compile(r"д(?=[еёюяіь])"), "дз"),
    (re.compile(r"т(?=[еёюяіь])"), "ц"),
    (re.compile(r"(?<=[аеоуыэ])в$"), "ў"),
    (re.compile(r"ий$|ый$"), "і"),
)


def belarusian(russian: str) -> str:
    """A Belarusian spelling of a Russian-form name by letter rules (Ковалев → Кавалеў is beyond
    rules; Ковалеў is what they give, as many real registries write it)."""
    text = russian.lower()
    for pattern, replacement in _BY_RULES:
        text = pattern.sub(replacement, text)
    return text[:1].upper() + text[1:]


@dataclass
class Pools:
    """Every name of every nation: strings `home[i]` and `ru[i]`, language `lang[i]`, and per
    nation and sex the index ranges of its surnames, given names, patronymics and cities."""

    home: list[str] = field(default_factory=list)
    ru: list[str] = field(default_factory=list)
    lang: list[str] = field(default_factory=list)
    groups: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)

    def add(self, key: tuple[str, str, str], lang: str, names) -> None:
        ids = self.groups.setdefault(key, [])
        seen = {self.home[i] for i in ids}
        for entry in names:
            home, ru = (entry, entry) if isinstance(entry, str) else entry
            if home in seen:
                continue
            seen.add(home)
            ids.append(len(self.home))
            self.home.append(home)
            self.ru.append(ru)
            self.lang.append(lang)


def _foreign_cities() -> list[str]:
    cities = ["Boston", "Chicago", "Denver", "Houston", "Seattle", "Paris", "Lyon", "Marseille"]
    cities += ["Toulouse", "Nantes", "Strasbourg", "Bordeaux", "Lille", "Rennes", "Grenoble"]
    return cities + [c for c in (*AddressDE.cities, *AddressPL.cities) if c.isalpha()]


def build() -> Pools:
    pools = Pools()
    # Russian: Faker's surnames, and more from given names (Авдей → Авдеев), as real ones arose.
    ru_roots = [_surname_from(n) for n in PersonRU.first_names_male]
    male = list(dict.fromkeys([*PersonRU.last_names_male, *ru_roots]))
    pools.add(("RUS", "M", "surname"), "ru", male)
    pools.add(("RUS", "F", "surname"), "ru", [feminine(s) for s in male])
    pools.add(("RUS", "M", "given"), "ru", PersonRU.first_names_male)
    pools.add(("RUS", "F", "given"), "ru", PersonRU.first_names_female)
    pools.add(("RUS", "M", "patronymic"), "ru", PersonRU.middle_names_male)
    pools.add(("RUS", "F", "patronymic"), "ru", PersonRU.middle_names_female)
    pools.add(("RUS", "", "city"), "ru", [c for c in AddressRU.city_names if " " not in c])
    # Ukrainian, with the Russian form a Russian-language registry writes by ICU-free letter rules.
    to_ru = str.maketrans({"і": "и", "ї": "йи", "є": "е", "ґ": "г", "'": "ь"})
    for sex, surnames in (("M", PersonUA.last_names_male), ("F", PersonUA.last_names_female)):
        pools.add(("UKR", sex, "surname"), "uk", [(s, s.translate(to_ru)) for s in surnames])
    for sex, part, names in (
        ("M", "given", PersonUA.first_names_male),
        ("F", "given", PersonUA.first_names_female),
        ("M", "patronymic", PersonUA.middle_names_male),
        ("F", "patronymic", PersonUA.middle_names_female),
    ):
        pools.add(("UKR", sex, part), "uk", [(n, n.translate(to_ru)) for n in names])
    pools.add(("UKR", "", "city"), "uk", [(c, c.translate(to_ru)) for c in AddressUA.city_names])
    # Belarusian: Russian forms listed, Belarusian spellings by rule; given names listed in both.
    by_male = list(dict.fromkeys([*BELARUSIAN_SURNAMES, *male[:150]]))
    pools.add(("BLR", "M", "surname"), "be", [(belarusian(s), s) for s in by_male])
    pools.add(
        ("BLR", "F", "surname"), "be", [(belarusian(feminine(s)), feminine(s)) for s in by_male]
    )
    pools.add(("BLR", "M", "given"), "be", BELARUSIAN_MALE)
    pools.add(("BLR", "F", "given"), "be", BELARUSIAN_FEMALE)
    for sex in "MF":
        female = sex == "F"
        pools.add(
            ("BLR", sex, "patronymic"),
            "be",
            [
                (belarusian(patronymic_ru(r, female)), patronymic_ru(r, female))
                for _, r in BELARUSIAN_MALE
            ],
        )
    pools.add(("BLR", "", "city"), "be", CITIES["BLR"])
    # Kazakh: surnames from roots and given names (Жұмабай → Жұмабаев), patronymics -ұлы/-қызы
    # or Russian-style; the Russian form drops the Kazakh letters.
    kz_male = list(dict.fromkeys(_surname_from(r) for r in [*KAZAKH_SURNAME_ROOTS, *KAZAKH_MALE]))
    pools.add(("KAZ", "M", "surname"), "kk", [(s, s.translate(KAZAKH_TO_RUSSIAN)) for s in kz_male])
    pools.add(
        ("KAZ", "F", "surname"),
        "kk",
        [(feminine(s), feminine(s).translate(KAZAKH_TO_RUSSIAN)) for s in kz_male],
    )
    pools.add(
        ("KAZ", "M", "given"), "kk", [(n, n.translate(KAZAKH_TO_RUSSIAN)) for n in KAZAKH_MALE]
    )
    pools.add(
        ("KAZ", "F", "given"), "kk", [(n, n.translate(KAZAKH_TO_RUSSIAN)) for n in KAZAKH_FEMALE]
    )
    for sex, suffix in (("M", "ұлы"), ("F", "қызы")):
        names = []
        for father in KAZAKH_MALE:
            russian = patronymic_ru(father, sex == "F").translate(KAZAKH_TO_RUSSIAN)
            names.append((father + suffix, russian))
            names.append((patronymic_ru(father, sex == "F"), russian))
        pools.add(("KAZ", sex, "patronymic"), "kk", names)
    pools.add(("KAZ", "", "city"), "kk", CITIES["KAZ"])
    # Armenian: Faker's names in Armenian script; the Russian form comes from the script module.
    pools.add(("ARM", "M", "surname"), "hy", PersonHY.last_names)
    pools.add(("ARM", "F", "surname"), "hy", PersonHY.last_names)
    pools.add(("ARM", "M", "given"), "hy", PersonHY.first_names_male)
    pools.add(("ARM", "F", "given"), "hy", PersonHY.first_names_female)
    for sex in "MF":  # the father's name in the genitive, as Armenian documents write it
        pools.add(("ARM", sex, "patronymic"), "hy", [n + "ի" for n in PersonHY.first_names_male])
    pools.add(("ARM", "", "city"), "hy", CITIES["ARM"])
    # Latin-script foreigners: no patronymic.
    for provider in (PersonUS, PersonDE, PersonFR, PersonPL):
        for sex, suffix in (("M", "male"), ("F", "female")):
            last = getattr(provider, f"last_names_{suffix}", provider.last_names)
            given = getattr(provider, f"first_names_{suffix}", provider.first_names)
            pools.add(("LAT", sex, "surname"), "lat", [s for s in list(last) if s.isalpha()])
            pools.add(("LAT", sex, "given"), "lat", [n for n in list(given)[:300] if n.isalpha()])
    pools.add(("LAT", "M", "patronymic"), "lat", [""])
    pools.add(("LAT", "F", "patronymic"), "lat", [""])
    pools.add(("LAT", "", "city"), "lat", _foreign_cities())
    return pools
