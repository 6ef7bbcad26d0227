"""Every CSV the node writes opens in a spreadsheet without running a formula (OWASP CSV
Injection), and a negative statistical value stays a number."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from migrex.core import csvcells


def _written(*cells) -> list[str]:
    out = io.StringIO()
    csvcells.writer(out).writerow(cells)
    return next(csv.reader(io.StringIO(out.getvalue())))


def test_formula_cells_are_prefixed_and_numbers_left_alone():
    hostile = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]
    hostile += ["\tx", "\rx", "-", "--1"]
    assert _written(*hostile) == ["'" + cell for cell in hostile]
    plain = ["-42", "+1.5", "-1e3", "-0.25", "Иванов", "a=b", "", "42"]
    assert _written(*plain, -7) == [*plain, "-7"]


@pytest.mark.django_db
def test_the_statistics_export_neutralises_text_and_keeps_negative_values(agreement, officers):
    client = Client()
    client.force_login(officers["kz_operator"])
    text = 'period,citizenship,value\n2024,"=HYPERLINK(""http://x"",""y"")",-489\n2025,@AM,12\n'
    upload = SimpleUploadedFile("stats.csv", text.encode(), content_type="text/csv")
    response = client.post("/stats/", {"file": upload, "title": "t", "indicator": "x"})
    assert response.status_code == 302, response.content.decode()[:2000]
    dataset_url = response["Location"]
    rows = list(csv.reader(io.StringIO(client.get(f"{dataset_url}data.csv").content.decode())))
    assert rows[1:] == [
        ["2024", '\'=HYPERLINK("http://x","y")', "-489"],
        ["2025", "'@AM", "12"],
    ]
