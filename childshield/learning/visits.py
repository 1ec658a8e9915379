"""The library's reach: a public article opened through a poster's or school's link counted for that
link, as one more visit in the day's total (`SourceVisit`), never as a row per visit.

The link says where the visitor came from in a query parameter, `?from=<code>` (the same as the report
form's, docs/reporting-links.md), not in a session or a cookie: the public pages set none (decision
0002), and a session would be a record of each visitor. Nothing about the visitor is read: no address,
no browser, no time of day.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.text import slugify

from childshield.learning.services.posters import source_visit_count


def count_visit(request: HttpRequest) -> None:
    """Called by the library's public article view on a GET: counts the visit for its `?from=` link when
    one is registered (any other value counts nothing and writes nothing)."""
    code = slugify(request.GET.get("from", ""))[:50]
    if request.method == "GET" and code:
        source_visit_count(country=settings.CHILDSHIELD_COUNTRY, code=code)
