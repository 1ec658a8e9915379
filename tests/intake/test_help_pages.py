"""The advice pages and the public home that leads to them, in every language."""

import pytest

from childshield.intake.help_pages import HELP_PAGES

pytestmark = pytest.mark.django_db

LANGUAGES = ("vi", "km", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_advice_page_opens_in_every_language_and_says_it_is_not_their_fault(client, language):
    for page in HELP_PAGES:
        response = client.get(f"/{language}/help/{page.slug}/")
        assert response.status_code == 200, page.slug
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert "data-quick-exit" in html
        assert f'href="/{language}/report/"' in html
        assert not response.cookies


def test_the_sextortion_page_says_do_not_pay_do_not_send_more_and_keep_evidence(client):
    html = client.get("/en/help/sextortion/").content.decode()
    for advice in ("Do not pay.", "Do not send more pictures.", "Keep the proof.", "It is never your fault."):
        assert advice in html


def test_an_unknown_advice_page_is_not_found(client):
    assert client.get("/en/help/no-such-page/").status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_home_leads_to_help_the_report_the_answers_and_every_advice_page(
    client, reference_data, language
):
    html = client.get(f"/{language}/").content.decode()
    assert 'href="tel:111"' in html
    assert f'href="/{language}/report/"' in html
    assert f'href="/{language}/report/status/"' in html
    for page in HELP_PAGES:
        assert f'href="/{language}/help/{page.slug}/"' in html
