"""What a node's long-lived processes (`migrex serve`, `migrex worker`) load before their first
request or message rather than during it: the node's private keys, decrypted once per process
(PBKDF2: about 100 ms), and the name tables folding reads (data/variants.yaml: about 100 ms). Left
to the first use, they fell on the first batch of messages after a restart: between two nodes on
PostgreSQL it took 319 ms from its claim to its receipts, the next ones about 90 ms; of the
319, decrypting the sender's keys took 101 ms and reading the receiver's name tables 82 ms. Both
processes warmed, the first batch took 117 ms."""

import contextlib

from django.db import DatabaseError

from migrex.exchange.keys import node_keys
from migrex.matching import translit


def warm() -> None:
    translit.fold("Ахметов")
    # Not migrated yet: the first request says so, as it would have without this.
    with contextlib.suppress(DatabaseError):
        node_keys()
