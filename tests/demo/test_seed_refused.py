"""Where demo data is not allowed (production), seeding is refused and makes nothing.

Apart from test_seed_demo.py, whose module has the demo seeded: this one needs an empty database."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from childshield.accounts.models import User

pytestmark = pytest.mark.django_db


def test_seeding_is_refused_where_demo_data_is_not_allowed():
    with override_settings(ALLOW_DEMO_DATA=False), pytest.raises(CommandError, match="refused"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
