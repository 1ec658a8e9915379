# The provider of a service is asked for: a service may wait as requested without one, and a referral
# may be limited to one service (a request that names its provider when accepted).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_agency_on_call_phone'),
        ('cases', '0016_case_assignments'),
        ('directory', '0001_services_directory'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='service',
            name='service_has_a_provider',
        ),
        migrations.AddField(
            model_name='referral',
            name='resource',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='directory.resource'),
        ),
        migrations.AddField(
            model_name='referral',
            name='service',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='provider_requests', to='cases.service'),
        ),
        migrations.AlterField(
            model_name='service',
            name='status',
            field=models.CharField(choices=[('requested', 'Requested, not yet arranged'), ('planned', 'Planned'), ('in_progress', 'In progress'), ('completed', 'Completed'), ('refused', 'Refused by the child or family'), ('cancelled', 'Cancelled')], default='planned', max_length=12, verbose_name='status'),
        ),
        migrations.AddConstraint(
            model_name='service',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['requested', 'refused', 'cancelled']), ('provider__isnull', False), ('resource__isnull', False), _connector='OR'), name='service_has_a_provider'),
        ),
    ]
