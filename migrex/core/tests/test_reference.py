"""Reference data cached per process: a committed change is seen at the next read, a change
rolled back is never seen, and a unit of work pinned to one generation reads the database once."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from migrex.agreements.models import Agreement, Authority
from migrex.agreements.selectors import directory
from migrex.core import reference
from migrex.exchange import peers
from migrex.exchange.models import Peer


def test_a_saved_change_is_seen_at_once(agreement):
    assert directory().authority("by-mvd").name_en.startswith("Ministry")
    by = Authority.objects.get(code="by-mvd")
    by.name_en = "Renamed ministry"
    by.save()
    assert directory().authority("by-mvd").name_en == "Renamed ministry"


def test_a_change_rolled_back_is_never_seen(agreement):
    before = directory().authority("by-mvd").name_en

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        by = Authority.objects.get(code="by-mvd")
        by.name_en = "Never committed"
        by.save()
        assert directory().authority("by-mvd").name_en == "Never committed"
        raise Undo
    assert directory().authority("by-mvd").name_en == before


def test_peer_trust_follows_its_agreements(agreement):
    Peer.objects.filter(node_id="BY").delete()  # the one the fixture trusts
    peer = Peer.objects.create(node_id="BY", party_id="BY", url="http://by.example", jwks={})
    assert "BY" in peers.trusted() and not peers.trusted()["BY"].agreements
    with pytest.raises(LookupError):
        peers.peer_for("kz-by-2019", "BY")
    peer.agreements.add(agreement)
    assert peers.peer_for("kz-by-2019", "BY").node_id == "BY"
    peer.agreements.remove(agreement)
    with pytest.raises(LookupError):
        peers.peer_for("kz-by-2019", "BY")
    peer.delete()
    assert peers.sender_keys("BY") is None


def test_unknown_codes_raise_the_models_errors(agreement):
    with pytest.raises(Authority.DoesNotExist):
        directory().authority("nobody")
    with pytest.raises(Agreement.DoesNotExist):
        directory().terms("no-such-agreement")


def test_pinned_reads_the_generation_once(agreement):
    directory(), peers.trusted()  # loaded
    with CaptureQueriesContext(connection) as unpinned:
        directory(), directory(), peers.trusted()
    with reference.pinned(), CaptureQueriesContext(connection) as pinned:
        directory(), directory(), peers.trusted()
    assert len(unpinned.captured_queries) == 3
    assert len(pinned.captured_queries) == 1  # the token, read at the first lookup
    with reference.pinned(), CaptureQueriesContext(connection) as nothing:
        pass
    assert nothing.captured_queries == []  # a unit that looks nothing up reads nothing


def test_a_unit_pinned_inside_another_keeps_the_outer_ones_generation(agreement):
    """An inner unit (a message received inside a batch) neither reads the generation again nor
    unpins the rest of the outer one."""
    directory()
    with reference.pinned(), CaptureQueriesContext(connection) as queries:
        directory()  # the generation read
        with reference.pinned():
            directory()
        directory()
    assert len(queries.captured_queries) == 1


def test_a_unit_that_changes_reference_data_reads_its_own_change(agreement):
    """Pinned to the generation it started with, a unit (a page saving an authority) still
    sees what it changed itself, and what it loaded stays its own should it roll back."""
    with reference.pinned():
        directory()  # the unit's generation read, its directory loaded
        by = Authority.objects.get(code="by-mvd")
        by.name_en = "Renamed within the unit"
        by.save()
        assert directory().authority("by-mvd").name_en == "Renamed within the unit"
