"""The link analysis alone: normalisation, networks and shared documents, addresses, phones."""

from __future__ import annotations

from xml.etree import ElementTree

from migrex.channels import export
from migrex.channels.graph import (
    Participant,
    build,
    networks,
    normalise_address,
    normalise_document,
    normalise_phone,
    shared,
)


def test_phones_are_compared_as_digits_in_international_form():
    assert normalise_phone("+7 (701) 123-45-67") == "77011234567"
    assert normalise_phone("8 701 123 45 67") == "77011234567"  # Kazakh trunk prefix
    assert normalise_phone("8 029 123-45-67") == "375291234567"  # Belarusian trunk prefix
    assert normalise_phone("00375 29 123 45 67") == "375291234567"
    assert normalise_phone("+375 (29) 123-45-67") == "375291234567"
    assert normalise_phone("тел.: нет") == ""


def test_addresses_are_compared_whatever_their_abbreviations_and_punctuation():
    one = normalise_address("г. Алматы, ул. Абая, д. 10, кв. 5")
    assert one == "г алматы ул абая д 10 кв 5"
    assert normalise_address("Город Алматы, улица Абая, дом 10, квартира 5") == one
    assert normalise_address("г.Алматы ул.Абая д.10 кв.5") == one
    assert normalise_address("г. Алматы, ул. Абая, д10, кв5") == one
    assert normalise_address("г. Алматы, ул. Абая, д. 10, кв. 6") != one
    assert normalise_address("Минск, ул. Лёсика, 3") == normalise_address("минск ул лесика 3")


def test_document_numbers_ignore_spaces_and_case():
    assert normalise_document("ab", " 765-4321") == "AB7654321"
    assert normalise_document(None, "N 12345678") == "N12345678"


def _p(pid, kind="person", **links):
    return Participant(id=pid, kind=kind, label=pid.upper(), source="test", **links)


def test_networks_are_the_connected_groups_largest_first_with_what_they_share():
    g = build(
        [
            _p("a", documents=["N1"], addresses=["ул. Абая, 10"], channels=[("ch:1", "Ch", "x")]),
            _p("b", phones=["+7 701 000 00 00"], addresses=["улица Абая 10"]),
            _p("e", "entity", phones=["8 701 000 00 00"], documents=["KZ/99"]),
            _p("c", documents=["N2"], channels=[("ch:2", "Ch2", "y")]),
            _p("d", documents=["N2"]),
            _p("lonely", phones=["12345"]),
        ]
    )
    found = networks(g)
    assert [
        sorted(n for n in net.nodes if g.nodes[n]["kind"] in ("person", "entity")) for net in found
    ] == [["a", "b", "e"], ["c", "d"], ["lonely"]]
    first = found[0]
    assert (first.number, first.parties, first.channels) == (1, 3, 1)
    assert first.shared == ["address:ул абая 10", "phone:77010000000"]
    assert found[1].shared == ["document:N2"]
    assert shared(g) == {
        "address:ул абая 10": ["a", "b"],
        "document:N2": ["c", "d"],
        "phone:77010000000": ["b", "e"],
    }
    assert found[2].shared == []  # one person's phone is no link


def test_the_exports_carry_every_node_and_edge():
    g = build([_p("a", documents=["N1"]), _p("b", documents=["N1"], phones=["+1 555 0100"])])
    data = export.as_json(g, networks(g))
    assert {n["id"] for n in data["nodes"]} == {"a", "b", "document:N1", "phone:15550100"}
    assert len(data["edges"]) == 3 and data["networks"][0]["shared"] == ["document:N1"]
    assert next(n for n in data["nodes"] if n["id"] == "document:N1")["shared_by"] == 2
    lines = export.as_csv(g).splitlines()
    assert lines[0].startswith("source,source_kind") and len(lines) == 4
    assert "a,person,A,has_document,,document:N1,document,N1" in lines
    graphml = export.as_graphml(g)
    assert graphml.count("<node ") == 4 and graphml.count("<edge ") == 3
    ElementTree.fromstring(graphml)  # noqa: S314 - well-formed; our own output
