"""Transliteration and folding of names: every scheme against published examples, language
detection, the folding key over several hundred native names and every scheme of their language,
the variant data, patronymics, distinctness, and a property test on arbitrary text."""

from __future__ import annotations

import itertools

import iuliia
import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrex.persons import translit
from migrex.persons.translit import (
    SCHEMES,
    Detected,
    cyrillic,
    detect,
    fold,
    fold_patronymic,
    latin,
    schemes_for,
    spellings,
    variant_groups,
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


# --- the folding key over native names and every scheme of their language -------------------------

RU = """
Александр Алексей Анатолий Андрей Антон Аркадий Арсений Артём Борис Вадим Валентин Валерий Василий
Виктор Виталий Владимир Владислав Вячеслав Геннадий Георгий Глеб Григорий Даниил Денис Дмитрий
Евгений Егор Ефим Захар Иван Игорь Илья Иосиф Кирилл Константин Лев Леонид Максим Матвей Михаил
Никита Николай Олег Павел Пётр Роман Руслан Семён Сергей Станислав Степан Тимофей Фёдор Филипп
Эдуард Юрий Яков Ярослав
Александра Алла Алёна Анастасия Анна Валентина Валерия Вера Вероника Виктория Галина Дарья Евгения
Екатерина Елена Елизавета Жанна Зинаида Зоя Инна Ирина Карина Кристина Ксения Лариса Любовь Людмила
Маргарита Марина Мария Надежда Наталья Нина Оксана Ольга Полина Раиса Светлана Софья Тамара Татьяна
Ульяна Юлия Яна
Александрович Александровна Сергеевич Сергеевна Иванович Ивановна Николаевич Николаевна Юрьевич
Юрьевна Васильевич Васильевна Дмитриевич Дмитриевна Андреевич Андреевна Алексеевич Алексеевна
Викторович Викторовна Владимирович Владимировна Михайлович Михайловна Петрович Петровна Ильич
Валерьевич Евгеньевна Анатольевич Геннадьевна Григорьевич Фёдорович Фёдоровна
"""
RU_SURNAMES = """
Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков
Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин
Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов
Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов
Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов
Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов
Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков
Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов
Пономарёв Голубев Кудрявцев Прохоров Наумов Журавлёв Овчинников Трофимов Соболев Колесников Гончаров
Емельянов Грачёв Гришин Ефремов Архипов Кондратьев Лукьянов Михеев Скворцов Прокофьев Харитонов
Князев Цветков Аксёнов Мальцев Хохлов Жданов Щукин
"""
RU_OTHER = "Цой Ким Пак Объедков Петриков Подъячев Ахмадуллина Хабибуллин Ильина Ёлкина"

KK = """
Нұрсұлтан Қасым-Жомарт Әсел Айгүл Әйгерім Ерғали Қайрат Жұлдыз Гауһар Бақыт Ғалым Сәуле Серік Мұхтар
Нұрлан Қуаныш Талғат Әлихан Темір Шыңғыс Жасұлан Жәнібек Мұрат Ақжол Ғабит Дәурен Ерқанат Мәдина
Гүлнар Айнұр Дінмұхамед Құрманғазы Ләззат Әлия Нұржан Ақмарал Сұлтан Ілияс Мейірбек Өмірзақ Ұлан
Үміт Еркін Ерұлан Ғани Шәмші Әбілқайыр Қанат
Тоқаев Тоқаева Қасымов Қасымова Әбдіров Жұмабаев Жұмабаева Сәрсенбаев Мұхамеджанов Бөкейханов
Уәлиханов Құнанбаев Әуезов Әуезова Сәтбаев Сәтбаева Байтұрсынұлы Дулатұлы Нұрланұлы Серікқызы
Асқарұлы Ерланқызы Тұрғанбаев Оспанқызы Ахметұлы Сейітқали Ізбасаров Қалиев Ғалымжанов Төлеуов
"""
BE = """
Аляксей Андрэй Дзмітрый Мікалай Міхаіл Уладзімір Віктар Віталь Васіль Генадзь Ігар Кірыл Канстанцін
Леанід Мікіта Цімафей Яўген Уладзіслаў Вячаслаў Станіслаў Яраслаў Зміцер Міхась Францішак Вадзім
Валянцін Дзяніс Максім Аляксандр Сяргей Юрый Рыгор Алесь Ягор
Вікторыя Вольга Таццяна Наталля Кацярына Ірына Святлана Марыя Юлія Ганна Людміла Крысціна Галіна
Яўгенія Валянціна Паліна Лізавета Вераніка Аксана Алена Настасся Надзея Дар'я
Ціханоўскі Ціханоўская Кавалёў Кавалёва Іваноў Іванова Пятроў Пятрова Казлоў Марозаў Ваўкоў Сакалоў
Папоў Навікаў Мельнікаў Мельнікава Лебедзеў Васільеў Паўлаў Сямёнаў Фёдараў Міхайлаў Аляксандраў
Кузняцоў Шаўчэнка Краўчэнка Кавалеўскі Кавалеўская Савіцкі Савіцкая Клімовіч Мацкевіч Міцкевіч
Шушкевіч Багдановіч Быкаў Караткевіч Лукашэнка Цвірка
Аляксандравіч Аляксандраўна Сяргеевіч Сяргееўна Мікалаевіч Мікалаеўна Іванавіч Іванаўна
Уладзіміравіч Уладзіміраўна Віктаравіч Віктараўна Пятровіч Пятроўна
"""
UK = """
Олексій Андрій Юрій Сергій Григорій Віталій Євген Ігор Костянтин Ілля Іван Валерій Анатолій Дмитро
Микола Володимир Тарас Остап Петро Богдан Олександр Василь
Наталія Ірина Світлана Вікторія Юлія Марія Надія Софія Анастасія Євгенія Соломія Ївга Олена Тетяна
Оксана Катерина
Олійник Мельник Поліщук Зеленський Коваленко Бондаренко Ткаченко Кравченко Лисенко Руденко Савченко
Марченко Петренко Клименко Павленко Левченко Харченко Гриценко Гончаренко Ющенко Порошенко Тимошенко
Кличко Яценюк Ґалаґан Їжакевич Шевчук Ковальчук Бойко Ткачук
Олександрович Сергійович Іванович Миколайович Іванівна Петрівна Сергіївна Олександрівна Андрійович
Андріївна
"""
HY = """
Նիկոլ Սերժ Ռոբերտ Լևոն Արարատ Հենրիխ Վահագն Տիգրան Արամ Արմեն Աշոտ Կարեն Սուրեն Վարդան Գարեգին
Գևորգ Հովհաննես Հակոբ Հարություն Սարգիս Հրանտ Մկրտիչ Պողոս Խաչատուր Դավիթ Գրիգոր Սամվել Ռաֆայել
Էդգար Նարեկ Արթուր Մհեր Վազգեն Ռուբեն Հայկ Ավետիք Օնիկ Ոսկան
Անահիտ Լուսինե Գայանե Անի Արմինե Նունե Մարինե Հռիփսիմե Սիրանուշ Աստղիկ Հասմիկ Զարուհի Անուշ Նարինե
Մարիամ Լիլիթ Սոնա Գոհար Սեդա Էլեն
Հովհաննիսյան Գրիգորյան Ղազարյան Խաչատրյան Փաշինյան Սարգսյան Քոչարյան Պետրոսյան Մխիթարյան
Հարությունյան Հակոբյան Գևորգյան Կարապետյան Մարտիրոսյան Ավետիսյան Ստեփանյան Վարդանյան Մկրտչյան
Սահակյան Աբրահամյան Հայրապետյան Համբարձումյան Հովսեփյան Եղիազարյան Պողոսյան Բաղդասարյան Ղուկասյան
Դավթյան Թորոսյան Զաքարյան Մելքոնյան Սիմոնյան Ասատրյան Գասպարյան Ալեքսանյան Մանուկյան Ներսիսյան
Օհանյան Բաբայան Միրզոյան Տեր-Պետրոսյան Ոսկանյան Արզումանյան Չոբանյան Ջանիբեկյան Ջիգարխանյան
Աղաջանյան Ծատուրյան Ժամկոչյան Շահինյան Չիլինգարյան Եսայան Երիցյան
"""
NAMES = {
    "ru": (RU + RU_SURNAMES + " ".join(s + "а" for s in RU_SURNAMES.split()) + RU_OTHER).split(),
    "kk": KK.split(),
    "be": BE.split(),
    "uk": UK.split(),
    "hy": HY.split(),
}

# ISO 9985 writes ձ as j and a word-final խ as x: alone, with nothing else in the text showing the
# ISO letters, "Hambarjowmyan" and "Henrix" are read the English way. Known and left.
ISO_AMBIGUOUS = {("Համբարձումյան", "hy:iso_9985"), ("Հենրիխ", "hy:iso_9985")}


def test_the_name_list_is_large_and_covers_every_language():
    assert sum(len(v) for v in NAMES.values()) >= 700
    assert all(len(v) >= 60 for v in NAMES.values())
    assert len(set(itertools.chain.from_iterable(NAMES.values()))) >= 700


@pytest.mark.parametrize("language", sorted(NAMES))
def test_fold_of_a_name_equals_fold_of_its_spelling_in_every_scheme(language):
    mismatched = set()
    checked = 0
    for name in NAMES[language]:
        for scheme in schemes_for(detect(name).language):
            checked += 1
            if fold(scheme.latin(name)) != fold(name):
                mismatched.add((name, scheme.name))
    assert checked >= len(NAMES[language])
    assert mismatched == (ISO_AMBIGUOUS if language == "hy" else set())


def test_iso_9985_is_read_as_such_when_the_text_shows_it():
    # the aspiration mark of Mxit̕aryan makes the whole text ISO 9985
    assert fold(latin("Հենրիխ Մխիթարյան", "hy:iso_9985")) == fold("Հենրիխ Մխիթարյան")


def test_fold_is_idempotent_on_every_listed_name_and_spelling():
    for name in itertools.chain.from_iterable(NAMES.values()):
        for text in [name, *spellings(name).values()]:
            key = fold(text)
            assert fold(key) == key, text
            assert key == key.lower() and key.isascii()


# --- ad-hoc Latin spellings, case and punctuation -------------------------------------------------


@pytest.mark.parametrize(
    "same",
    [
        ["Aleksandr", "Alexander", "Aleksander", "Александр", "ALEKSANDR", "Aliaksandr"],
        ["Iurii", "Yuriy", "Yury", "Jurij", "Юрий", "Юрій", "Yuri"],
        ["Khachatryan", "Xachatryan", "Chačatryan", "Хачатрян", "Խաչատրյան", "Xačatryan"],
        ["Nurlan Nurlanuly", "Нурлан Нурланович", "Nurlan Nurlanovich", "Нұрлан Нұрланұлы"],
        ["Nurlan Nurlan uly", "Нурлан Нурланович"],
        ["Zhanna", "Janna", "Жанна"],
        ["Ter-Petrosyan", "ter petrosyan", "TER PETROSYAN", "Тер-Петросян"],
        ["D'yachenko", "Dyachenko", "Дьяченко", "D’iachenko"],
        ["Il'ich", "Ilich", "Ilyich", "Ильич"],
        ["Tsoi", "Tsoy", "Tcoi", "Цой"],
        ["Mikhail", "Michail", "Mihail", "Михаил", "Міхаіл"],
        ["Shcheglova", "Ščeglova", "Щеглова", "Schtscheglova"],
        ["Khasanov", "Xasanov", "Hasanov", "Хасанов"],
        ["Iwanow", "Ivanov", "Ivanou", "Іваноў"],
        ["Yelena", "Elena", "Jelena", "Елена", "Алена", "Alena"],
        ["Zhukov", "Žukov", "Жуков", "Zhukau"],
        ["Savitskaya", "Savickaja", "Savitskaia", "Савицкая", "Савіцкая"],
        ["Qazaqstan", "Kazakstan", "Қазақстан"],
    ],
)
def test_spellings_of_one_name_fold_alike(same):
    assert len({fold(s) for s in same}) == 1, {s: fold(s) for s in same}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Иванов", "Иванова"),
        ("Петров", "Петриков"),
        ("Ким", "Кем"),
        ("Яна", "Жанна"),
        ("Jana", "Janna"),
        ("Анна", "Инна"),
        ("Нурланович", "Нурлановна"),
        ("Ержан", "Ерлан"),
        ("Гарегин", "Грант"),
        ("Hakobyan", "Harutyunyan"),
    ],
)
def test_different_names_keep_different_keys(a, b):
    assert fold(a) != fold(b)


KK_SURNAMES = ["Тоқаев", "Қасымов", "Жұмабаев", "Сәтбаев", "Әуезов", "Құнанбаев", "Уәлиханов"]


def test_distinct_surnames_rarely_collide():
    surnames = sorted(
        {
            *RU_SURNAMES.split(),
            *(s + "а" for s in RU_SURNAMES.split()),
            *[w for w in HY.split() if w.endswith("յան")],
            *[w for w in UK.split() if w.endswith(("енко", "ук", "ник", "ко"))],
            *KK_SURNAMES,
        }
    )
    assert len(surnames) >= 200
    keys = [fold(s) for s in surnames]
    pairs = list(itertools.combinations(range(len(surnames)), 2))
    colliding = [(surnames[i], surnames[j]) for i, j in pairs if keys[i] == keys[j]]
    assert len(colliding) / len(pairs) < 0.02, colliding
    assert colliding == []


# --- patronymics ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        (["Нурланович", "Нұрланұлы", "Nurlanuly", "Nurlanovich", "Nurlan uly"], ("nurlan", "M")),
        (["Нурлановна", "Нұрланқызы", "Nurlankyzy", "Nurlanqyzy", "Nurlan kyzy"], ("nurlan", "F")),
        (["Сергеевич", "Сяргеевіч", "Сергійович", "Sergeyevich", "Sergeiuly"], ("serg", "M")),
        (["Сергеевна", "Сяргееўна", "Сергіївна", "Sergeevna", "Sergeiqyzy"], ("serg", "F")),
        (["Александрович", "Аляксандравіч", "Олександрович", "Aliaksandravich"], None),
        (["Александровна", "Аляксандраўна", "Олександрівна", "Aleksandrovna"], None),
        (["Николаевич", "Мікалаевіч", "Миколайович", "Nikolayevich"], None),
        (["Іванівна", "Ивановна", "Іванаўна", "Ivanovna"], ("ivan", "F")),
    ],
)
def test_patronymics_of_one_root_and_sex_meet(forms, expected):
    results = {fold_patronymic(f) for f in forms}
    assert len(results) == 1, {f: fold_patronymic(f) for f in forms}
    assert len({fold(f) for f in forms}) == 1
    if expected:
        assert results == {expected}


def test_a_name_is_not_a_patronymic():
    assert fold_patronymic("Нурлан") == (fold("Нурлан"), None)
    assert fold_patronymic("Иванов Иван") == (fold("Иванов Иван"), None)


def test_patronymic_suffixes_are_data():
    data = translit._variants()
    assert "uli" in data.male and "kizi" in data.female
    assert "ovih" in data.male and "ovna" in data.female


# --- variant data ---------------------------------------------------------------------------------

BRIEF_GROUPS = [
    [
        "Оганесян",
        "Ованесян",
        "Оганнисян",
        "Hovhannisyan",
        "Hovannisyan",
        "Oganesyan",
        "Հովհաննիսյան",
    ],
    ["Нурсултан", "Нұрсұлтан", "Nursultan"],
    ["Александр", "Аляксандр", "Олександр", "Aliaksandr", "Aleksandr", "Alexander"],
    ["Дмитрий", "Дзмітрый", "Dzmitry", "Dmitriy"],
    ["Сергей", "Сяргей", "Siarhei"],
    ["Павел", "Pavel"],
    ["Ольга", "Вольга", "Volha"],
    ["Татьяна", "Таццяна", "Tatsiana"],
    ["Елена", "Алена", "Alena"],
    ["Николай", "Мікалай", "Mikalai"],
    ["Владимир", "Уладзімір", "Uladzimir"],
    ["Евгений", "Яўген", "Yauhen"],
    ["Наталья", "Наталля", "Natallia"],
    ["Анна", "Ганна", "Hanna"],
    ["Асель", "Әсел"],
    ["Гарегин", "Garegin"],
    ["Арутюнян", "Harutyunyan", "Հարությունյան"],
    ["Акопян", "Hakobyan", "Հակոբյան"],
]


@pytest.mark.parametrize("group", BRIEF_GROUPS, ids=lambda g: g[0])
def test_known_groups_fold_to_one_key(group):
    assert len({fold(m) for m in group}) == 1, {m: fold(m) for m in group}


def test_every_shipped_group_folds_to_one_key_and_groups_stay_apart():
    groups = variant_groups()
    assert len(groups) >= 150
    keys = []
    for group in groups:
        folded = {fold(m) for m in group}
        assert len(folded) == 1, (group, folded)
        keys.append(folded.pop())
    assert len(set(keys)) == len(keys)


def test_female_forms_follow_their_group():
    assert fold("Аляксандра") == fold("Александра") == fold("Oleksandra")
    assert fold("Пятрова") == fold("Петрова") == fold("Piatrova")
    assert fold("Пятрова") != fold("Пятроў")


def test_the_loader_refuses_a_spelling_in_two_groups_and_phrases(tmp_path):
    head = "patronymics: {male: [ович], female: [овна]}\n"
    twice = tmp_path / "twice.yaml"
    twice.write_text(head + "groups:\n  - [Анна, Hanna]\n  - [Ганна, Hanna]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="two groups"):
        translit._load(twice)
    phrase = tmp_path / "phrase.yaml"
    phrase.write_text(head + "groups:\n  - [Тер-Петросян, Ter Petrosyan]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="one word"):
        translit._load(phrase)


# --- arbitrary text -------------------------------------------------------------------------------

ALPHABET = (
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіўїєґАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯӘҒҚҢӨҰҮҺІЎЇЄҐ"
    "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆևԱԲԳԴԵԶԷԸԹԺԻԼԽԾԿՀՁՂՃՄՅՆՇՈՉՊՋՌՍՎՏՐՑՒՓՔՕՖ"
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZäğñöūüşıİčšžŭćśźńĺłēëġǰṙōç"
    "'’ -·\u0315\u0323"
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=ALPHABET)))
def test_fold_never_raises_and_is_idempotent(text):
    key = fold(text)
    assert isinstance(key, str)
    assert fold(key) == key
    assert key == key.strip()
    detect(text)
    for scheme in SCHEMES.values():
        assert isinstance(scheme.latin(text), str)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяabcdefghijklmnopqrstuvwxyz -'"))
def test_fold_ignores_case(text):
    assert fold(text.upper()) == fold(text) == fold(text.title())


def test_fold_is_cached():
    info = fold.cache_info()
    assert info.maxsize == 1 << 18
