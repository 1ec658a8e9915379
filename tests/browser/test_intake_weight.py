"""The report page's first load stays under 100 KB in all, asks nothing of another site, sets no cookie."""

import pytest

from childshield.places.services.reference_data import reference_data_load

pytestmark = pytest.mark.django_db(transaction=True)

BUDGET_BYTES = 100 * 1024


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_report_page_first_load_is_at_most_100_kb(live_server, browser, language):
    reference_data_load()  # the province list is part of the page
    context = browser.new_context()  # an empty cache: a first visit
    page = context.new_page()
    loaded: list[tuple[str, int]] = []

    def count(request) -> None:
        sizes = request.sizes()
        loaded.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    page.on("requestfinished", count)
    page.goto(f"{live_server.url}/{language}/report/", wait_until="networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    total = sum(size for _url, size in loaded)
    detail = "\n".join(f"{size:>8} {url}" for url, size in loaded)
    assert total <= BUDGET_BYTES, f"{total} bytes in all:\n{detail}"
    assert any(url.endswith(".css") for url, _size in loaded)
    assert all(url.startswith(live_server.url) for url, _size in loaded), detail
    assert context.cookies() == []
    context.close()
