"""A message after a change is shown once: the staff layout shows it, the page itself does not."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_success_message_appears_once(sign_in, counsellor):
    response = sign_in(counsellor).post("/en/helpline/contacts/draft/discard/", follow=True)
    page = response.content.decode()
    assert page.count("The draft is discarded. The form is empty.") == 1
    assert page.count('class="messages"') == 1
