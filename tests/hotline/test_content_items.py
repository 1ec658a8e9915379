"""Reported addresses become one item per normalised address, with every report kept as a source."""

import pytest
from django.db import transaction

from childshield.accounts.related import related_for
from childshield.audit.models import AuditEvent
from childshield.core.errors import ApplicationError
from childshield.hotline.models import ContentItem, SourceKind
from childshield.hotline.services.items import content_item_report, report_addresses_file
from childshield.hotline.urlnorm import InvalidUrl
from childshield.intake.models import Report


def _report(reference: str, urls: list[str]) -> Report:
    return Report.objects.create(country="VN", reference=reference, about="self", urls=urls)


def test_the_same_address_reported_fifty_times_is_one_item_with_fifty_sources(analyst):
    variants = [
        "https://Video.Example.COM/watch?v=abc&utm_source=x",
        "https://video.example.com:443/watch?v=abc#t=10",
        "HTTPS://video.example.com/watch?fbclid=zzz&v=abc",
    ]
    for number in range(50):
        content_item_report(
            acting=analyst, url=variants[number % 3], source=SourceKind.PARTNER, reference=f"partner-{number}"
        )
    item = ContentItem.objects.get()
    assert item.url == "https://video.example.com/watch?v=abc"
    assert item.sources.count() == 50


def test_one_report_filed_twice_is_one_source(hotline_agency):
    report = _report("ABCD2345", ["https://example.org/a"])
    first = report_addresses_file(report_id=report.pk)
    again = report_addresses_file(report_id=report.pk)
    assert first[0].item == again[0].item
    assert first[0].item.sources.count() == 1
    assert first[0].item.sources.get().report == report


def test_a_report_with_a_bad_address_files_the_good_ones_and_says_which_failed(hotline_agency):
    report = _report("ABCD2346", ["https://example.org/ok", "http://exa mple.org/", "ftp://files.example/x"])
    results = report_addresses_file(report_id=report.pk)
    assert [bool(result.item) for result in results] == [True, False, False]
    assert all(result.error for result in results[1:])
    assert ContentItem.objects.count() == 1
    assert Report.objects.get(pk=report.pk).urls[1] == "http://exa mple.org/"  # nothing lost


@pytest.mark.parametrize(
    "bad", ["", "   ", "not a url at all", "javascript:alert(1)", "http://", "http://exa mple.org/"]
)
def test_a_malformed_address_is_refused_with_a_message_and_nothing_is_written(analyst, bad):
    with pytest.raises(ApplicationError) as refused, transaction.atomic():
        content_item_report(acting=analyst, url=bad, source=SourceKind.ANALYST)
    assert isinstance(refused.value, InvalidUrl)
    assert str(refused.value.message)
    assert ContentItem.objects.count() == 0


def test_idn_addresses_keep_a_readable_host(analyst):
    item = content_item_report(acting=analyst, url="http://bücher.example/a", source=SourceKind.ANALYST)
    again = content_item_report(
        acting=analyst, url="http://xn--bcher-kva.example/a", source=SourceKind.ANALYST
    )
    assert item == again
    assert item.host == "xn--bcher-kva.example" and item.display_host == "bücher.example"


def test_addresses_are_encrypted_at_rest(analyst):
    from django.db import connection

    item = content_item_report(acting=analyst, url="https://secret-host.example/path", source="analyst")
    with connection.cursor() as cursor:
        cursor.execute("SELECT url FROM hotline_contentitem WHERE id = %s", [item.pk])
        (stored,) = cursor.fetchone()
    assert "secret-host" not in stored


def test_each_hotline_has_its_own_items(analyst, foreign_analyst):
    mine = content_item_report(acting=analyst, url="https://example.org/x", source="analyst")
    theirs = content_item_report(acting=foreign_analyst, url="https://example.org/x", source="analyst")
    assert mine != theirs


def test_people_outside_a_hotline_cannot_report(outsider, worker):
    from django.core.exceptions import PermissionDenied

    for member in (outsider, worker):
        with pytest.raises(PermissionDenied):
            content_item_report(acting=member, url="https://example.org/x", source="analyst")


def test_reporting_is_audited(analyst):
    item = content_item_report(acting=analyst, url="https://example.org/x", source="analyst")
    content_item_report(acting=analyst, url="https://example.org/x", source="partner")
    reasons = list(
        AuditEvent.objects.filter(object_type="hotline.ContentItem", object_id=str(item.pk)).values_list(
            "reason", flat=True
        )
    )
    assert "reported through analyst" in reasons and "reported again through partner" in reasons


def test_the_add_page_saves_good_lines_and_lists_each_bad_one(analyst, sign_in):
    client = sign_in(analyst)
    response = client.post(
        "/en/hotline/add/",
        {
            "urls": "https://example.org/one\nnot an address\n\n"
            "https://example.org/two\nhttp://exa mple.org/",
            "source": "analyst",
        },
    )
    assert response.status_code == 200
    assert ContentItem.objects.count() == 2
    page = response.content.decode()
    assert "Line 2" in page and "Line 5" in page
    assert "2 address(es) saved" in page
    # The box keeps only the lines still to fix.
    assert "not an address" in page and "https://example.org/one\n" not in page.split("<textarea")[1]


def test_the_add_page_with_only_good_lines_goes_to_the_list(analyst, sign_in):
    client = sign_in(analyst)
    response = client.post("/en/hotline/add/", {"urls": "https://example.org/one", "source": "analyst"})
    assert response.status_code == 302 and response["Location"].endswith("/hotline/")


def test_a_report_page_shows_its_hotline_items_and_only_analysts_may_open_them(
    analyst, outsider, foreign_analyst
):
    report = _report("ABCD2347", ["https://example.org/linked"])
    [result] = report_addresses_file(report_id=report.pk)
    [link] = related_for(report, analyst)
    assert link.label == result.item.number and link.url.endswith(f"/items/{result.item.pk}/")
    # Whoever may read the report learns the item's number and status, without a way in.
    for member in (outsider, foreign_analyst):
        [link] = related_for(report, member)
        assert link.url == "" and link.status == "New"
    assert related_for(report, None) == []


def test_a_case_from_a_report_lists_the_items_of_that_report_without_the_hotline_naming_cases(
    analyst, outsider
):
    from childshield.cases.models import Case

    def hotline_links(record, member):
        return [link for link in related_for(record, member) if str(link.kind) == "Hotline item"]

    report = _report("ABCD2348", ["https://example.org/from-case"])
    [result] = report_addresses_file(report_id=report.pk)
    case = Case(source_report_id=report.pk)
    [link] = hotline_links(case, analyst)
    assert link.label == result.item.number and link.url.endswith(f"/items/{result.item.pk}/")
    [link] = hotline_links(case, outsider)
    assert link.url == "" and link.status == "New"
    assert hotline_links(Case(), analyst) == []
    # An item's own page does not list the other items of its report.
    assert hotline_links(result.item, analyst) == []


def test_a_childs_report_with_addresses_reaches_the_hotline_once_it_is_saved(
    hotline_agency, django_capture_on_commit_callbacks
):
    from childshield.intake.services import ReportContent, report_submit

    content = ReportContent(about="me", safe_now="yes", urls=["https://Pics.Example/x#top", "not a url"])
    with django_capture_on_commit_callbacks(execute=True):
        receipt = report_submit(content=content, idempotency_key="with-addresses")
    item = ContentItem.objects.get()
    assert item.url == "https://pics.example/x"
    assert item.sources.get().report == receipt.report
    # The same form sent again (a retry) files nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(content=content, idempotency_key="with-addresses")
    assert ContentItem.objects.get().sources.count() == 1


def test_a_failing_hotline_hook_never_loses_the_childs_report(
    hotline_agency, django_capture_on_commit_callbacks, monkeypatch
):
    from childshield.intake.services import ReportContent, report_submit
    from childshield.outbox.models import OutboxItem

    def broken(**kwargs: object) -> None:
        raise RuntimeError("hotline hook broken")

    # The hook runs in the report's transaction, in a savepoint: its failure is undone, the report kept.
    monkeypatch.setattr("childshield.hotline.services.items.outbox_enqueue", broken)
    with django_capture_on_commit_callbacks(execute=True):
        receipt = report_submit(
            content=ReportContent(about="me", safe_now="yes", urls=["https://pics.example/y"]),
            idempotency_key="hook-fails",
        )
    assert Report.objects.filter(pk=receipt.report.pk).exists()
    assert receipt.passphrase
    assert not OutboxItem.objects.exists()


def test_a_counsellor_reading_a_report_sees_it_went_to_the_hotline_without_a_way_in(
    hotline_agency, make_member, sign_in
):
    from childshield.accounts.models import Agency, AgencyKind, Role

    helpline = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    counsellor = make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=helpline)
    report = _report("ABCD2349", ["https://example.org/seen"])
    [result] = report_addresses_file(report_id=report.pk)

    html = sign_in(counsellor).get(f"/en/reports/{report.reference}/").content.decode()
    assert 'data-related-kind="Hotline item"' in html
    assert result.item.number in html
    assert f"/items/{result.item.pk}/" not in html
