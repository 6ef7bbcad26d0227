"""`migrex persons reindex`: rebuild the search index of every person record (after the folding
rules or the variant data change)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from migrex.persons import search


class Command(BaseCommand):
    help = "Person records: rebuild the search index (reindex)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("reindex", help="rebuild the search index from the records")

    def handle(self, *args, **options):
        with transaction.atomic():
            count = search.reindex()
        self.stdout.write(f"Проиндексировано записей / records indexed: {count}")
