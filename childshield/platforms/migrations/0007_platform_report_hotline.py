# A platform's report names the hotline it was filed with, whose analysts and leads read it. Reports
# received before are given the hotline of their addresses' items, else the country's first active
# hotline (as reports were filed); a sandbox report gets none.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def hotline_of_reports(apps, schema_editor):
    PlatformReport = apps.get_model("platforms", "PlatformReport")
    PlatformReportItem = apps.get_model("platforms", "PlatformReportItem")
    Agency = apps.get_model("accounts", "Agency")
    country = (
        Agency.objects.filter(kind="hotline", country=settings.CHILDSHIELD_COUNTRY.upper(), is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    reports = PlatformReport.objects.filter(hotline__isnull=True, api_key__is_sandbox=False)
    for report_id in reports.values_list("pk", flat=True).iterator():
        hotline = (
            PlatformReportItem.objects.filter(report_id=report_id, item__isnull=False)
            .order_by("position")
            .values_list("item__agency_id", flat=True)
            .first()
        ) or country
        if hotline is not None:
            PlatformReport.objects.filter(pk=report_id).update(hotline_id=hotline)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_platform_staff_and_regulator_roles'),
        ('hashing', '0006_api_key_sandbox_and_synthetic_banks'),
        ('intake', '0005_chat_conversations'),
        ('platforms', '0006_sandbox_addresses_kept'),
    ]

    operations = [
        migrations.AddField(
            model_name='platformreport',
            name='hotline',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.agency', verbose_name='hotline'),
        ),
        migrations.AddIndex(
            model_name='platformreport',
            index=models.Index(fields=['hotline', '-received_at'], name='platform_report_by_hotline'),
        ),
        migrations.RunPython(hotline_of_reports, migrations.RunPython.noop),
    ]
