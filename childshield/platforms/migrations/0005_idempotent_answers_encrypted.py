# Kept answers become encrypted: those kept before (plain JSON, for at most a few hours) are forgotten
# rather than read as ciphertext; a request sent again with their key is then answered anew.

import childshield.core.fields
from django.db import migrations


def forget_answers(apps, schema_editor):
    apps.get_model("platforms", "IdempotentAnswer").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('platforms', '0004_signal_feedback_and_history_by_bank'),
    ]

    operations = [
        migrations.RunPython(forget_answers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='idempotentanswer',
            name='body',
            field=childshield.core.fields.EncryptedJSONField(),
        ),
    ]
