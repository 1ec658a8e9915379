"""The helplines context processor: the installation's country, queried once and only when read."""

import pytest
from django.test import RequestFactory

from childshield.places.context_processors import helplines
from childshield.places.services.reference_data import reference_data_load

pytestmark = pytest.mark.django_db


def test_a_page_that_does_not_show_helplines_makes_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        helplines(RequestFactory().get("/"))


def test_reading_the_helplines_makes_one_query(django_assert_num_queries, settings):
    reference_data_load()
    settings.CHILDSHIELD_COUNTRY = "KH"
    context = helplines(RequestFactory().get("/"))

    with django_assert_num_queries(1):
        numbers = [h.number for h in context["helplines"]]
        assert len(context["helplines"]) == 2
        assert bool(context["helplines"])

    assert numbers == ["+855 92 311 511", "1280"]


def test_it_shows_the_numbers_of_the_configured_country(settings):
    reference_data_load()
    settings.CHILDSHIELD_COUNTRY = "VN"

    assert [h.number for h in helplines(RequestFactory().get("/"))["helplines"]] == ["111"]
