"""The surnames search compares by trigrams, once per authority (persons/similar.py): on
PostgreSQL under a GIN trigram index (`pg_trgm`, the extension created here if the database has
it not; CREATE EXTENSION needs a superuser or the database's owner, as pg_trgm is trusted), on
SQLite with a table of their trigrams. The names of existing entries are filled in, so a node
with a million entries needs no `migrex persons reindex`."""

import django.db.models.deletion
from django.db import migrations, models

from migrex.persons.trigrams import trigrams

INDEX = "persons_searchname_trgm"


def fill(apps, schema_editor):
    entry = apps.get_model("persons", "SearchEntry")
    name, gram = apps.get_model("persons", "SearchName"), apps.get_model("persons", "SearchGram")
    held = entry.objects.exclude(surname="").order_by()
    pairs = sorted(held.values_list("authority_id", "surname").distinct())
    name.objects.bulk_create((name(authority_id=a, surname=s) for a, s in pairs), batch_size=2000)
    if schema_editor.connection.vendor != "postgresql":
        gram.objects.bulk_create(
            (gram(authority_id=a, gram=g, surname=s) for a, s in pairs for g in trigrams(s)),
            batch_size=2000,
        )


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        table = schema_editor.quote_name(apps.get_model("persons", "SearchName")._meta.db_table)
        schema_editor.execute(f"CREATE INDEX {INDEX} ON {table} USING gin (surname gin_trgm_ops)")


def no_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")  # the extension may serve others


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0003_signing_keys'),
        ('persons', '0005_search_skeletons'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchGram',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('gram', models.CharField(max_length=3)),
                ('surname', models.CharField(max_length=64)),
                ('authority', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agreements.authority')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('authority', 'gram', 'surname'), name='search_gram_once')],
            },
        ),
        migrations.CreateModel(
            name='SearchName',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('surname', models.CharField(max_length=64)),
                ('authority', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agreements.authority')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('authority', 'surname'), name='search_name_once')],
            },
        ),        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(trigram_index, no_trigram_index),
    ]
