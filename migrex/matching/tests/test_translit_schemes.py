"""Transliteration of names: the scheme registry, every scheme against published examples,
Armenian in Russian Cyrillic, language detection and the spellings of a name by every scheme of
its language."""

from __future__ import annotations

import iuliia
import pycountry
import pytest

from migrex.matching.translit import (
    SCHEMES,
    Detected,
    cyrillic,
    detect,
    latin,
    schemes_for,
    spellings,
)

# --- the registry ---------------------------------------------------------------------------------

REQUIRED = {
    "ru:icao_9303",
    "ru:gost_52535",
    "ru:mvd_310",
    "ru:mvd_782",
    "ru:bgn_pcgn",
    "kk:icao",
    "kk:latin_2021",
    "be:national",
    "be:icao",
    "uk:national",
    "hy:passport",
    "hy:bgn_pcgn",
    "hy:iso_9985",
}


def test_registry_holds_every_required_scheme_with_titles():
    assert set(SCHEMES) >= REQUIRED
    for name, scheme in SCHEMES.items():
        assert scheme.name == name
        assert scheme.language == name.split(":")[0]
        assert scheme.title and scheme.title_ru
        assert scheme.latin("") == ""
    with pytest.raises(KeyError):
        latin("Иван", "ru:nonexistent")


# --- published examples ---------------------------------------------------------------------------

IUI = {
    "ru:icao_9303": iuliia.ICAO_DOC_9303,
    "ru:gost_52535": iuliia.GOST_52535,
    "ru:mvd_310": iuliia.MVD_310,
    "ru:mvd_782": iuliia.MVD_782,
    "ru:bgn_pcgn": iuliia.BGN_PCGN,
}


@pytest.mark.parametrize("name", sorted(IUI))
def test_russian_schemes_reproduce_the_published_iuliia_samples(name):
    # iuliia ships, for each scheme, the samples of the official document; BGN/PCGN writes ё as ë
    # (iuliia leaves the Cyrillic letter in its samples).
    for source, expected in IUI[name].samples:
        assert latin(source, name) == expected.replace("ё", "ë").replace("Ё", "Ë")


def test_russian_schemes_keep_an_all_capitals_word_in_capitals():
    assert latin("ЮЛИЯ ЩЕГЛОВА", "ru:icao_9303") == "IULIIA SHCHEGLOVA"
    assert latin("Юлия Щеглова", "ru:icao_9303") == "Iuliia Shcheglova"
    assert latin("ЁЛКИН Королёв", "ru:bgn_pcgn") == "YËLKIN Korolëv"
    assert latin("ЮЛИЯ", "ru:mvd_310") == "YULIYA"


# Kazakh Latin alphabet, 2021 revision: the government's announcement (Ақтөбе → Aqtöbe, Қайрат →
# Qairat, ащы → aşşy, Ч → tş, Ц → ts, Я → ia) and the transliterated sample text of the Wikipedia
# article «Kazakh alphabets» (бір → bır, кісі → kısı, үйіне → üiıne, сый → syi).
KK_2021 = {
    "Қазақстан": "Qazaqstan",
    "Астана": "Astana",
    "Алматы": "Almaty",
    "Ақтөбе": "Aqtöbe",
    "Қайрат": "Qairat",
    "Шымкент": "Şymkent",
    "Қарағанды": "Qarağandy",
    "Өскемен": "Öskemen",
    "Нұр-Сұлтан": "Nūr-Sūltan",
    "ащы": "aşşy",
    "цех": "tseh",
    "чек": "tşek",
    "қоян": "qoian",
    "Бұрыңғы өткен заманда, бір данышпан кісі": "Būryñğy ötken zamanda, bır danyşpan kısı",
    "Бағдат шаһарының бір үлкен қазысының үйіне": "Bağdat şaharynyñ bır ülken qazysynyñ üiıne",
    "сый беріп, орнымда қалайын": "syi berıp, ornymda qalaiyn",
    "ИЛИЯС": "İLİİAS",
    "Ілияс": "Iliias",
}

# Kazakh passports, ICAO Doc 9303 practice: Ә→A, Ғ→G, Қ→K, Ң→N, Ө→O, Ұ→U, Ү→U, Һ→H, І→I and the
# Russian ICAO table (Doc 9303 Part 3, section 6) for the rest.
KK_ICAO = {
    "Қазақстан": "Kazakstan",
    "Нұрсұлтан Назарбаев": "Nursultan Nazarbaev",
    "Шоқан Уәлиханов": "Shokan Ualikhanov",
    "Әлихан Бөкейхан": "Alikhan Bokeikhan",
    "ҒАЛЫМЖАН": "GALYMZHAN",
    "Гауһар Жұлдыз Үміт": "Gauhar Zhuldyz Umit",
}

# Belarusian national system: the examples of the 2000 instruction of the State Committee on Land
# Resources (No. 15 of 23 November 2000) whose spelling the 2007 amendment kept, and the ISO
# 3166-2:BY subdivision names (as pycountry ships them), which use the 2007 letters ć ĺ for a
# consonant with the soft sign.
BE_NATIONAL = {
    "Аршанскі": "Aršanski",
    "Бешанковічы": "Biešankovičy",
    "Віцебск": "Viciebsk",
    "Гаўя": "Haŭja",
    "Добруш": "Dobruš",
    "Бабаедава": "Babajedava",
    "Ёды": "Jody",
    "Вераб'ёвічы": "Vierabjovičy",
    "Мёры": "Miory",
    "Жодзішкі": "Žodziški",
    "Іванава": "Ivanava",
    "Іўе": "Iŭje",
    "Лагойск": "Lahojsk",
    "Круглае": "Kruhlaje",
    "Магілёў": "Mahilioŭ",
    "Нясвіж": "Niasviž",
    "Орша": "Orša",
    "Паставы": "Pastavy",
    "Рагачоў": "Rahačoŭ",
    "Светлагорск": "Svietlahorsk",
    "Талачын": "Talačyn",
    "Узда": "Uzda",
    "Шаркаўшчына": "Šarkaŭščyna",
    "Хоцімск": "Chocimsk",
    "Цёмны Лес": "Ciomny Lies",
    "Чавусы": "Čavusy",
    "Раз'езд": "Razjezd",
    "Чыгірынка": "Čyhirynka",
    "Чачэрск": "Čačersk",
    "Юхнаўка": "Juchnaŭka",
    "Гаюціна": "Hajucina",
    "Любонічы": "Liuboničy",
    "Ямнае": "Jamnaje",
    "Баяры": "Bajary",
    "Вязынка": "Viazynka",
    "Валяр'яны": "Valiarjany",
    "Гродна": "Hrodna",
}
BE_ISO_3166 = {
    "BY-HO": "Гомельская вобласць",
    "BY-BR": "Брэсцкая вобласць",
    "BY-HR": "Гродзенская вобласць",
    "BY-MA": "Магілёўская вобласць",
    "BY-MI": "Мінская вобласць",
    "BY-VI": "Віцебская вобласць",
    "BY-HM": "Горад Мінск",
}

# Belarusian passports (ICAO practice): the spellings public figures carry.
BE_ICAO = {
    "Аляксандр Лукашэнка": "Aliaksandr Lukashenka",
    "Святлана Ціханоўская": "Sviatlana Tsikhanouskaya",
    "Сяргей Ціханоўскі": "Siarhei Tsikhanouski",
    "Арына Сабаленка": "Aryna Sabalenka",
    "Марыя Рудзь": "Maryia Rudz",  # the passport a Belarusian student described to the press
    "Таццяна": "Tatsiana",
    "Наталля": "Natallia",
    "Вольга": "Volha",
    "Мікалай": "Mikalai",
    "Уладзімір": "Uladzimir",
    "Дзмітрый": "Dzmitry",
    "Юрый": "Yury",
    "ЯЎГЕН": "YAUHEN",
}

# Ukrainian: the examples of the table of the Cabinet of Ministers (resolution No. 55, 2010).
UK_NATIONAL = {
    "Алушта": "Alushta",
    "Борщагівка": "Borshchahivka",
    "Вінниця": "Vinnytsia",
    "Гадяч": "Hadiach",
    "Згорани": "Zghorany",
    "Ґалаґан": "Galagan",
    "Рівне": "Rivne",
    "Єнакієве": "Yenakiieve",
    "Наєнко": "Naienko",
    "Житомир": "Zhytomyr",
    "Закарпаття": "Zakarpattia",
    "Медвин": "Medvyn",
    "Іршава": "Irshava",
    "Їжакевич": "Yizhakevych",
    "Кадиївка": "Kadyivka",
    "Йосипівка": "Yosypivka",
    "Стрий": "Stryi",
    "Київ": "Kyiv",
    "Лебедин": "Lebedyn",
    "Миколаїв": "Mykolaiv",
    "Ніжин": "Nizhyn",
    "Одеса": "Odesa",
    "Полтава": "Poltava",
    "Ромни": "Romny",
    "Суми": "Sumy",
    "Тетерів": "Teteriv",
    "Ужгород": "Uzhhorod",
    "Фастів": "Fastiv",
    "Харків": "Kharkiv",
    "Біла Церква": "Bila Tserkva",
    "Чернігів": "Chernihiv",
    "Шостка": "Shostka",
    "Гоща": "Hoshcha",
    "Русь": "Rus",
    "Юрій": "Yurii",
    "Крюківка": "Kriukivka",
    "Яготин": "Yahotyn",
    "Ічня": "Ichnia",
    "Знам'янка": "Znamianka",
}

# Armenian passports: the Latin names public figures carry, and the passport spellings of common
# surnames.
HY_PASSPORT = {
    "Նիկոլ Փաշինյան": "Nikol Pashinyan",
    "Սերժ Սարգսյան": "Serzh Sargsyan",
    "Ռոբերտ Քոչարյան": "Robert Kocharyan",
    "Լևոն Տեր-Պետրոսյան": "Levon Ter-Petrosyan",
    "Արարատ Միրզոյան": "Ararat Mirzoyan",
    "Հենրիխ Մխիթարյան": "Henrikh Mkhitaryan",
    "Վահագն Խաչատուրյան": "Vahagn Khachaturyan",
    "Երևան": "Yerevan",
    "Հովհաննիսյան": "Hovhannisyan",
    "Գրիգորյան": "Grigoryan",
    "Ղազարյան": "Ghazaryan",
    "Խաչատրյան": "Khachatryan",
    "Հարությունյան": "Harutyunyan",
    "Գևորգյան": "Gevorgyan",
    "Եղիազարյան": "Yeghiazaryan",
    "Ոսկանյան": "Voskanyan",
    "ՀՈՎՀԱՆՆԻՍՅԱՆ": "HOVHANNISYAN",
}

# BGN/PCGN 1981 (the UN romanization report's examples and its table: aspirates with ’, ռ rr).
HY_BGN = {
    "Հայաստան": "Hayastan",
    "Երևան": "Yerevan",
    "Գյումրի": "Gyumri",
    "Թորոսյան": "T’orosyan",
    "Քոչարյան": "K’och’aryan",
    "Ռուբեն": "Rruben",
}

# ISO 9985: «այբուբեն» → «aybowben» (Wikipedia, «Armenian alphabet», ISO 9985 column) and ISO
# 3166-2:AM names that follow the standard letter for letter (pycountry).
HY_ISO = {
    "այբուբեն": "aybowben",
    "Շիրակ": "Širak",
    "Լոռի": "Loṙi",
    "Արարատ": "Ararat",
    "Արմավիր": "Armavir",
    "Խաչատրյան": "Xačatryan",
    "Ղազարյան": "Ġazaryan",
    "Ջիվան": "J̌ivan",
    "Օհան": "Ōhan",
}


@pytest.mark.parametrize(
    ("scheme", "table"),
    [
        ("kk:latin_2021", KK_2021),
        ("kk:icao", KK_ICAO),
        ("be:national", BE_NATIONAL),
        ("be:icao", BE_ICAO),
        ("uk:national", UK_NATIONAL),
        ("hy:passport", HY_PASSPORT),
        ("hy:bgn_pcgn", HY_BGN),
        ("hy:iso_9985", HY_ISO),
    ],
)
def test_scheme_reproduces_published_examples(scheme, table):
    wrong = {src: latin(src, scheme) for src, want in table.items() if latin(src, scheme) != want}
    assert wrong == {}


def test_belarusian_national_system_gives_the_iso_3166_2_by_names():
    names = {s.code: s.name for s in pycountry.subdivisions.get(country_code="BY")}
    for code, belarusian in BE_ISO_3166.items():
        assert latin(belarusian, "be:national") == names[code]


def test_iso_9985_agrees_with_iso_3166_2_am_where_that_list_follows_it():
    names = {s.name for s in pycountry.subdivisions.get(country_code="AM")}
    for armenian in ("Շիրակ", "Լոռի", "Արարատ", "Արմավիր"):
        assert latin(armenian, "hy:iso_9985") in names


def test_kazakh_icao_agrees_with_the_russian_icao_table_on_russian_letters():
    text = "Юлия Щеглова, Ёлкин Объедков, Эльвира Хабибуллина"
    assert latin(text, "kk:icao") == latin(text, "ru:icao_9303")


def test_armenian_in_russian_cyrillic():
    cases = {
        "Գրիգորյան": "Григорян",
        "Հարությունյան": "Арутюнян",
        "Նիկոլ Փաշինյան": "Никол Пашинян",
        "Սահակյան": "Саакян",
        "Աբրահամյան": "Абраамян",
        "Ոսկանյան": "Восканян",
        "Հրանտ": "Грант",
        "Եղիազարյան": "Егиазарян",
        "Հայրապետյան": "Айрапетян",
        "Մկրտչյան": "Мкртчян",
        "Գևորգյան": "Геворгян",
        "Խաչատրյան": "Хачатрян",
        "ՀԱՅՐԱՊԵՏՅԱՆ": "АЙРАПЕТЯН",
    }
    assert {k: cyrillic(k) for k in cases} == cases
    assert cyrillic("Иванов") == "Иванов"
    assert cyrillic("Petrov") == "Petrov"


# --- detection ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Иванов Сергей Петрович", Detected("cyrillic", "ru")),
        ("Объедков Эдуард Ёлкин", Detected("cyrillic", "ru")),
        ("Нұрсұлтан Әбішұлы", Detected("cyrillic", "kk")),
        ("Гауһар", Detected("cyrillic", "kk")),
        ("Ілияс Ыбырай", Detected("cyrillic", "kk")),
        ("Яўген", Detected("cyrillic", "be")),
        ("Дзмітрый Мікалаевіч", Detected("cyrillic", "be")),
        ("Ціханоўская", Detected("cyrillic", "be")),
        ("Їжакевич", Detected("cyrillic", "uk")),
        ("Євген", Detected("cyrillic", "uk")),
        ("Ґалаґан", Detected("cyrillic", "uk")),
        ("Олійник Віктор Іванович", Detected("cyrillic", "uk")),
        ("Հովհաննիսյան", Detected("armenian", "hy")),
        ("Hovhannisyan", Detected("latin", None)),
        ("Lukašenka Aliaksandr", Detected("latin", None)),
        ("Иванов Ivanov", Detected("mixed", "ru")),
        ("Ivanov Ἰωάννης", Detected("mixed", None)),
        ("Գրիգորյան Григорян", Detected("mixed", None)),
        ("", Detected("none", None)),
        ("12-34 ?!", Detected("none", None)),
    ],
)
def test_detect(text, expected):
    assert detect(text) == expected


def test_spellings_give_every_scheme_of_the_language_and_keep_title_case():
    assert spellings("Нұрсұлтан Назарбаев") == {
        "kk:icao": "Nursultan Nazarbaev",
        "kk:latin_2021": "Nūrsūltan Nazarbaev",
    }
    russian = spellings("Юлия Щеглова")
    assert set(russian) == {s.name for s in schemes_for("ru")}
    assert russian["ru:mvd_310"] == "Yuliya Shcheglova"
    assert set(spellings("Գրիգորյան")) == {"hy:passport", "hy:bgn_pcgn", "hy:iso_9985"}
    assert spellings("Ivanov") == {}
