import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def scopes_from_bank_listing(apps, schema_editor):
    """Every key kept matching; a key that could list banks may read them."""
    ApiKey = apps.get_model("hashing", "ApiKey")
    ApiKey.objects.filter(may_list_banks=True).update(scopes=["match", "banks:read"])
    ApiKey.objects.filter(may_list_banks=False).update(scopes=["match"])


def bank_listing_from_scopes(apps, schema_editor):
    ApiKey = apps.get_model("hashing", "ApiKey")
    for key in ApiKey.objects.only("pk", "scopes"):
        if "banks:read" in (key.scopes or []):
            ApiKey.objects.filter(pk=key.pk).update(may_list_banks=True)


class Migration(migrations.Migration):
    dependencies = [
        ("hashing", "0003_live_entry_counts_and_match_scope_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="apikey",
            name="scopes",
            field=models.JSONField(default=list, verbose_name="scopes"),
        ),
        migrations.AddField(
            model_name="apikey",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="expires"),
        ),
        migrations.AddField(
            model_name="apikey",
            name="replaced_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="hashing.apikey",
                verbose_name="replaced by",
            ),
        ),
        migrations.RunPython(scopes_from_bank_listing, bank_listing_from_scopes),
        migrations.RemoveField(
            model_name="apikey",
            name="may_list_banks",
        ),
        migrations.AddField(
            model_name="matchrecord",
            name="api_key",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="hashing.apikey",
            ),
        ),
        migrations.CreateModel(
            name="ApiCall",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("operation", models.CharField(max_length=60)),
                ("method", models.CharField(max_length=8)),
                ("status", models.PositiveSmallIntegerField()),
                (
                    "key",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="calls",
                        to="hashing.apikey",
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-pk"],
                "indexes": [models.Index(fields=["key", "at"], name="apicall_key_at")],
            },
        ),
    ]
