"""Times since and until read in the page's language (Django's own catalogues lack these words)."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation


@pytest.mark.parametrize(
    ("language", "expected"), [("vi", "1 tuần, 2 ngày"), ("km", "1 សប្តាហ៍, 2 ថ្ងៃ"), ("en", "1 week, 2 days")]
)
def test_timesince_speaks_the_pages_language(language, expected):
    now = timezone.now()
    template = Template("{{ then|timesince:now }}")
    with translation.override(language):
        shown = template.render(Context({"then": now - timedelta(days=9, minutes=5), "now": now}))
    assert shown.replace("\xa0", " ") == expected
