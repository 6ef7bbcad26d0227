"""The generation of the node's reference data (see reference.py)."""

from django.db import models


class Generation(models.Model):
    """One row. Its token changes, in the same transaction, whenever an agreement, an authority,
    a party, a peer or a node key changes; processes drop what they cached when it does."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
