from django.conf import settings
from django.db import migrations, models

# The (recipient, read_at, -created_at) index leads with the recipient, so the
# recipient's own index only cost every insert. Dropped by name: Django's AlterField
# would drop and re-add the foreign key too, checking every row again.
INDEX = "notifications_notification_recipient_id_d055f3f0"


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="recipient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=(
                        f'CREATE INDEX "{INDEX}" ON "notifications_notification" ("recipient_id")'
                    ),
                ),
            ],
        ),
    ]
