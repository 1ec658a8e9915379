"""Every case number with its agency's short code in front ("2026-0001" becomes "LTSW-2026-0001")."""

from django.db import migrations


def numbers_with_codes(apps, schema_editor):
    from childshield.cases.numbers import case_number

    Case = apps.get_model("cases", "Case")
    for case in Case.objects.select_related("opened_by_agency").only(
        "id", "year", "sequence", "number", "opened_by_agency__short_code"
    ).iterator():
        number = case_number(case.opened_by_agency.short_code, case.year, case.sequence)
        if case.number != number:
            Case.objects.filter(pk=case.pk).update(number=number)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_agency_short_code"),
        ("cases", "0017_service_providers"),
    ]

    operations = [migrations.RunPython(numbers_with_codes, migrations.RunPython.noop)]
