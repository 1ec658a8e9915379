# The constraint apart from the codes' data migration: PostgreSQL alters no table with the data
# migration's updates still pending in the same transaction.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_agency_short_code"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='agency',
            constraint=models.UniqueConstraint(condition=models.Q(('short_code', ''), _negated=True), fields=('country', 'short_code'), name='agency_unique_short_code_per_country'),
        ),
    ]
