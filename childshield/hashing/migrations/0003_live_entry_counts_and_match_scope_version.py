from django.db import migrations, models

# Counted once here; the services keep the count from now on.
COUNT_LIVE_ENTRIES = """
UPDATE hashing_hashbank SET live_entries = (
    SELECT COUNT(*) FROM hashing_hashentry
    WHERE hashing_hashentry.bank_id = hashing_hashbank.id AND hashing_hashentry.removed_at IS NULL
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("hashing", "0002_video_hash_frames"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchScopeVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name="hashbank",
            name="live_entries",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(COUNT_LIVE_ENTRIES, migrations.RunSQL.noop),
        migrations.RunSQL(
            "INSERT INTO hashing_matchscopeversion (id, version) VALUES (1, 0)", migrations.RunSQL.noop
        ),
    ]
