"""The registry of source links (R3): which `?from=` values are a school, a campaign or a platform."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_report_reply_language"),
        ("places", "0003_membership_province"),
    ]

    operations = [
        migrations.CreateModel(
            name="SourceLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("country", models.CharField(max_length=2, verbose_name="country")),
                (
                    "code",
                    models.SlugField(
                        help_text="The value after ?from= in the link, e.g. kim-thuy-school.",
                        verbose_name="code",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("school", "School"),
                            ("campaign", "Campaign"),
                            ("platform", "Platform"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        help_text="How the figures name the link.", max_length=200, verbose_name="label"
                    ),
                ),
                (
                    "published",
                    models.BooleanField(
                        default=False,
                        help_text="Only for a link of the whole country or of one province: a link of a smaller place is counted with its kind only.",
                        verbose_name="shown on its own in the figures",
                    ),
                ),
                (
                    "area",
                    models.ForeignKey(
                        blank=True,
                        help_text="Where the link is handed out, if in one place.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="places.area",
                        verbose_name="area",
                    ),
                ),
            ],
            options={
                "verbose_name": "source link",
                "verbose_name_plural": "source links",
                "ordering": ["country", "code"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("country", "code"), name="sourcelink_unique_code_per_country"
                    )
                ],
            },
        ),
    ]
