"""When a service was completed (C14 counts delivered services by it). Services completed before
this field get the start of their typed end date (`ends_on`, in the project's time zone) when they
have one; the others stay without a date and are not counted in any period."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models


def completed_from_end_dates(apps, schema_editor):
    Service = apps.get_model("cases", "Service")
    zone = ZoneInfo(settings.TIME_ZONE)
    completed = Service.objects.filter(status="completed", ends_on__isnull=False, completed_at__isnull=True)
    for pk, ends_on in completed.values_list("pk", "ends_on").iterator():
        Service.objects.filter(pk=pk).update(completed_at=datetime.combine(ends_on, time(), tzinfo=zone))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_case_numbers_with_agency_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="completed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="completed"),
        ),
        migrations.RunPython(completed_from_end_dates, migrations.RunPython.noop),
    ]
