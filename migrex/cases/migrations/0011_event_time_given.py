import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_indexes_for_counts"),
    ]

    # The time of a history entry is given by the services (a received request's opening entry
    # shares it with the news its case is created with) instead of set on insert: the column is
    # the same, only Django's idea of the field changes, so no table is rebuilt (SQLite would
    # copy the whole history for it).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="caseevent",
                    name="at",
                    field=models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="time"
                    ),
                ),
            ]
        )
    ]
