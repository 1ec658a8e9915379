"""Loads this release's triage rules (round three, docs/triage.md) as 0012 loaded the last one: a rule
no supervisor has changed takes the shipped words as a new version; a changed rule stays as made.
The very-young-child rules gain `+` lines: an age is raised when something is wrong beside it."""

from importlib import import_module

from django.db import migrations

load = import_module("childshield.helpline.migrations.0012_load_rules_that_read_how_children_write").load


class Migration(migrations.Migration):
    dependencies = [("helpline", "0012_load_rules_that_read_how_children_write")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
