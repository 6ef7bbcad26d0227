"""`migrex serve` and `migrex worker` load the node's keys and the name tables before their first
request or message (shell/warm.py)."""

import pytest

from migrex.exchange import keys
from migrex.matching import translit
from migrex.matching.translit import variants
from migrex.shell.warm import warm


@pytest.mark.django_db
def test_warm_decrypts_the_keys_and_reads_the_name_tables():
    keys.create_keys()
    keys._open.cache_clear()  # as in a process just started
    variants._variants.cache_clear()
    translit.fold.cache_clear()
    warm()
    assert keys._open.cache_info().currsize == 1  # the stored generation, decrypted
    assert variants._variants.cache_info().currsize == 1
    keys.signing_keys()
    assert keys._open.cache_info().misses == 1  # what the first message needs is held already


@pytest.mark.django_db
def test_warm_on_a_node_without_keys_yet_is_quiet():
    warm()
    assert keys.node_keys() == []
