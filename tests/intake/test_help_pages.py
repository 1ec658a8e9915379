"""The old advice addresses (/<language>/help/) moved for good to the library, and the public home
lists the library's children's articles, in every language."""

import pytest

pytestmark = pytest.mark.django_db

LANGUAGES = ("vi", "km", "en")
MOVED = ("sextortion", "grooming", "unwanted-images", "sexual-bullying", "helping-a-friend")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_old_advice_address_moves_for_good_to_its_library_article(client, language):
    response = client.get(f"/{language}/help/")
    assert (response.status_code, response["Location"]) == (301, f"/{language}/learn/")
    for slug in MOVED:
        response = client.get(f"/{language}/help/{slug}/")
        assert (response.status_code, response["Location"]) == (301, f"/{language}/learn/{slug}/")
        assert not response.cookies


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_moved_advice_page_opens_in_every_language_and_says_it_is_not_their_fault(client, language):
    for slug in MOVED:
        response = client.get(f"/{language}/help/{slug}/", follow=True)
        assert response.status_code == 200, slug
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert "data-quick-exit" in html
        assert f'href="/{language}/report/"' in html
        assert not response.cookies


def test_the_sextortion_page_says_do_not_pay_do_not_send_more_and_keep_evidence(client):
    html = client.get("/en/learn/sextortion/").content.decode()
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
    for slug in (*MOVED, "after-you-report"):
        assert f'href="/{language}/learn/{slug}/"' in html
