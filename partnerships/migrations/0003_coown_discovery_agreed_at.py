"""The discovery brief remembers when its current version became agreed; in learning
with, grantee admins may agree it (co-ownership)."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def backfill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Agreed briefs were agreed when last saved; grantee admins of learning-with
    partnerships gain the permission to agree (granted by the services from now on)."""
    DiscoveryBrief = apps.get_model("partnerships", "DiscoveryBrief")
    DiscoveryBrief.objects.filter(status="agreed", agreed_at__isnull=True).update(
        agreed_at=models.F("updated_at")
    )
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        codename="agree_discovery", content_type__app_label="partnerships"
    ).first()
    if permission is None:  # a new database: no partnerships yet
        return
    Party = apps.get_model("partnerships", "Party")
    Grant = apps.get_model("partnerships", "PartnershipGroupObjectPermission")
    for party in Party.objects.filter(
        status="accepted", role="grantee", partnership__learning_mode="learning_with"
    ).select_related("organisation"):
        Grant.objects.get_or_create(
            permission=permission,
            group_id=party.organisation.admins_group_id,
            content_object_id=party.partnership_id,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0002_invitation_email_sent_at"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="discoverybrief",
            name="agreed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the current version became agreed (empty while it is a draft). "
                "In learning with, parties that join later are asked to agree but do not undo it.",
                null=True,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
