"""The public home leads a child to every way of getting help, blocking a picture included."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_home_page_offers_to_block_a_picture(client, language):
    html = client.get(f"/{language}/").content.decode()
    assert f'href="/{language}/block-image/"' in html
    assert f'href="/{language}/report/"' in html
