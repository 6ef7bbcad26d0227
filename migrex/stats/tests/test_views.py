"""The statistics pages: officers see their authority's datasets only, import files through the
form (a bad file names its line and column and stores nothing), see the charts with the same
numbers in tables, download, send, and compare with the other party's figures."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from migrex.audit.models import AuditEntry
from migrex.exchange.models import OutboxMessage
from migrex.stats import formats, services
from migrex.stats.models import StatDataset
from migrex.stats.tests.conftest import ARMENIANS, SEEDS_CSV

pytestmark = pytest.mark.django_db
NBSP, MINUS = "\u00a0", "\u2212"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, text: bytes, **fields):
    upload = SimpleUploadedFile("stats.csv", text, content_type="text/csv")
    return client.post("/stats/", {"file": upload, **fields})


def test_an_operator_imports_a_file_and_lands_on_its_page(officers):
    client = client_of(officers["kz_operator"])
    response = _upload(client, SEEDS_CSV.encode(), title="Мигранты", indicator=ARMENIANS)
    dataset = StatDataset.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/stats/{dataset.pk}/"
    assert dataset.authority.code == "kz-mvd" and dataset.created_by == str(officers["kz_operator"])
    page = client.get("/stats/").content.decode()
    assert "Мигранты" in page and ARMENIANS in page


def test_a_malformed_upload_names_line_and_column_and_stores_nothing(officers):
    client = client_of(officers["kz_operator"])
    bad = b"period,citizenship,value\n2024,AM,2623\n2025,AM,n/a\n"
    response = _upload(client, bad, indicator=ARMENIANS)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Строка 3, столбец «value»: «n/a» — не число." in page
    assert "ничего не сохранено" in page
    assert not StatDataset.objects.exists()
    assert not AuditEntry.objects.filter(action="stats.imported").exists()


def test_the_dataset_page_charts_the_series_and_the_change_over_a_year(armenians, officers):
    page = client_of(officers["kz_operator"]).get(f"/stats/{armenians.pk}/").content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="chart-series"' in page
    assert 'data-group="2025" data-series="citizenship: AM" data-value="2134"' in page
    assert f">2{NBSP}623</td>" in page and f">2{NBSP}134</td>" in page
    # The seeds' news item: 2,623 → 2,134 is −18.6 % (in Russian, −18,6 %).
    assert 'id="chart-yoy"' in page and 'data-value="-18.6"' in page
    assert f">{MINUS}18,6{NBSP}%</text>" in page and f">{MINUS}18,6{NBSP}%</td>" in page
    assert f">{MINUS}489</td>" in page


def test_an_officer_of_another_authority_does_not_see_the_dataset(armenians, officers):
    other = client_of(officers["kz_labour"])
    for url in ("", "data.csv", "sdmx.csv", "mirror/"):
        assert other.get(f"/stats/{armenians.pk}/{url}").status_code == 404
    assert other.post(f"/stats/{armenians.pk}/send/", {"route": "x"}).status_code == 403
    assert "Мигранты" not in other.get("/stats/").content.decode()
    assert client_of(officers["kz_auditor"]).get("/stats/").status_code == 403


def test_downloads_are_the_dataset_in_both_formats(armenians, officers):
    client = client_of(officers["kz_operator"])
    plain = client.get(f"/stats/{armenians.pk}/data.csv")
    assert plain["Content-Type"].startswith("text/csv")
    assert plain.content == SEEDS_CSV.replace("\n", "\r\n").encode()
    sdmx = formats.parse(client.get(f"/stats/{armenians.pk}/sdmx.csv").content)
    assert sdmx.format == formats.SDMX_21 and [o.value for o in sdmx.observations] == [2623, 2134]


def test_a_supervisor_sends_a_dataset_and_an_operator_may_not(armenians, officers):
    url = f"/stats/{armenians.pk}/send/"
    assert (
        client_of(officers["kz_operator"]).post(url, {"route": "kz-by-2019:by-mvd"}).status_code
        == 403
    )
    page = client_of(officers["kz_operator"]).get(f"/stats/{armenians.pk}/").content.decode()
    assert 'id="send"' not in page
    signatory = client_of(officers["kz_signatory"])
    assert "kz-by-2019:by-mvd" in signatory.get(f"/stats/{armenians.pk}/").content.decode()
    response = signatory.post(url, {"route": "kz-by-2019:by-mvd"})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(kind="statistics")
    assert (message.sender_authority, message.receiver_authority) == ("kz-mvd", "by-mvd")
    page = signatory.get(f"/stats/{armenians.pk}/").content.decode()
    assert 'id="dispatches"' in page
    # A route that is not offered is not taken.
    signatory.post(url, {"route": "kz-by-2019:kz-labour"})
    assert OutboxMessage.objects.count() == 1


def test_the_mirror_page_shows_each_partys_figures_and_the_gap(mirror_pair, officers):
    ours, theirs = mirror_pair
    client = client_of(officers["kz_operator"])
    assert f"?with={theirs.pk}" in client.get(f"/stats/{ours.pk}/").content.decode()
    page = client.get(f"/stats/{ours.pk}/mirror/").content.decode()
    assert 'id="chart-mirror"' in page
    assert 'data-group="2023" data-series="Республика Казахстан (kz-mvd)" data-value="1480"' in page
    assert 'data-group="2023" data-series="Республика Беларусь (by-mvd)" data-value="1420"' in page
    assert f"Δ +60 (+4,2{NBSP}%)" in page and f"Δ {MINUS}18 ({MINUS}1,2{NBSP}%)" in page
    assert f'<td class="num">+4,2{NBSP}%</td>' in page
    # From the received side, the same comparison.
    assert "Δ +60" in client.get(f"/stats/{theirs.pk}/mirror/").content.decode()


def test_in_english_the_change_reads_minus_18_6_per_cent(armenians, officers, settings):
    client = client_of(officers["kz_operator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/stats/{armenians.pk}/").content.decode()
    assert f">{MINUS}18.6{NBSP}%</td>" in page and ">2,623</td>" in page


def test_the_statistics_tab_is_shown_to_officers_who_may_use_it(officers):
    assert 'href="/stats/"' in client_of(officers["kz_operator"]).get("/stats/").content.decode()
    page = client_of(officers["kz_auditor"]).get("/audit/").content.decode()
    assert 'href="/stats/"' not in page


def test_a_file_over_the_size_limit_is_refused_unread(officers):
    client = client_of(officers["kz_operator"])
    big = b"period,value\n" + b"2024,1\n" * (services.MAX_BYTES // 7 + 1)
    response = _upload(client, big, indicator="x")
    assert response.status_code == 422 and "больше 20" in response.content.decode()
    assert not StatDataset.objects.exists()


def test_sending_defaults_to_the_counterpart_under_an_agreement_in_force(armenians, officers):
    """With the Kazakhstan–Armenia agreement loaded but not in force (Art. 17 of each), the send
    form offers its authorities last, marked so, and chooses the Belarusian ministry of internal
    affairs under the agreement in force; agreements are named by their titles, not codes."""
    import re

    from migrex.agreements.services import load

    load("kz-am-2024")
    page = client_of(officers["kz_signatory"]).get(f"/stats/{armenians.pk}/").content.decode()
    select = re.search(r'<select name="route".*?</select>', page, re.S).group(0)
    assert re.search(r'<option value="kz-by-2019:by-mvd"[^>]*selected', select)
    groups = re.findall(r'<optgroup label="([^"]*)"', select)
    assert groups[0].startswith("Соглашение между Правительством Республики Казахстан")
    assert "Беларусь" in groups[0] and "Армения" in groups[-1] and "не действует" in groups[-1]
    assert "(kz-by-2019)" not in select
