"""The skeletons of the surname and the given name on every search entry (`translit.skeleton`),
indexed behind the authority with the birth date; the names' index takes the birth date too.

Existing entries get their skeletons from the folding keys they hold, one UPDATE per distinct
name of each authority (served by the indexes that lead with the authority), so a node with a
million entries needs no `migrex persons reindex`."""

from django.db import migrations, models

from migrex.matching.translit.skeleton import skeleton


def fill(apps, schema_editor):
    entry = apps.get_model("persons", "SearchEntry")
    for field, key in (("surname", "surname_key"), ("given_name", "given_key")):
        held = entry.objects.exclude(**{field: ""}).order_by()
        for authority, name in held.values_list("authority_id", field).distinct():
            entry.objects.filter(authority_id=authority, **{field: name}).update(
                **{key: skeleton(name)}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0003_signing_keys"),
        ("cases", "0006_index_for_metrics"),
        ("persons", "0004_dataset_arriving"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="given_key",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="surname_key",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(
                fields=["authority", "surname", "given_name", "birth_date"],
                name="persons_sea_authori_e27656_idx",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(
            model_name="searchentry",
            name="persons_sea_authori_e3f804_idx",
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(
                fields=["authority", "surname_key", "given_key", "birth_date"],
                name="persons_sea_authori_593870_idx",
            ),
        ),
    ]
