"""The library's reach: the one call site the public article view makes on each GET, for the posters'
aggregate visit counter (by source link, a count per day, never a row per visit) to fill in."""

from django.http import HttpRequest


def count_visit(request: HttpRequest) -> None:
    """Counts a public article's visit for its source link; does nothing yet."""
