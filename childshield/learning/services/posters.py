"""Every write of posters: a poster made for a school or commune (its source link found or registered),
and the library's visits through a poster's source link counted per day."""

import secrets
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.intake.models import SourceLink, SourceLinkKind
from childshield.learning.models import Poster, SourceVisit
from childshield.learning.permissions import LearningPerm
from childshield.places.models import Area

# A code nobody can read a school, a place or a purpose from (it is in the browser's history of a
# child who scanned the poster), short enough to type from the printed address: no 0/o, 1/l/i.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 6
# The kinds of link a poster is: a school's, or a commune's campaign.
POSTER_KINDS = (SourceLinkKind.SCHOOL, SourceLinkKind.CAMPAIGN)


@dataclass(frozen=True)
class PosterInput:
    area_code: str
    place_name: str  # the school, or the commune's campaign, as the figures name it
    kind: str
    language: str
    paper: str


def _current_successor(area: Area, today: date) -> Area | None:
    """The area that holds `area` today, through its chain of replacements (None: it just ended)."""
    seen: set[int] = set()
    successor = area.replaced_by
    while successor is not None and successor.pk not in seen and not successor.is_valid_on(today):
        seen.add(successor.pk)
        successor = successor.replaced_by
    return successor if successor is not None and successor.is_valid_on(today) else None


def poster_area(*, country: str, code: str, today: date | None = None) -> Area:
    """The area a poster is for: of the country, below the country's level, existing today. An area
    that has ended is refused with a sentence naming the area that replaced it."""
    today = today or timezone.localdate()
    area = (
        Area.objects.select_related("replaced_by").filter(code=code.strip().upper(), country=country).first()
    )
    if area is None or area.level == Area.Level.COUNTRY:
        raise ApplicationError(
            _("There is no school or commune area with the code %(code)s in this country.") % {"code": code},
            extra={"field": "area_code"},
        )
    if not area.is_valid_on(today):
        successor = _current_successor(area, today)
        if successor is None:
            message = _("%(area)s no longer exists (since %(day)s). Choose the area it is part of now.") % {
                "area": area.name,
                "day": area.valid_to,
            }
        else:
            message = _(
                "%(area)s no longer exists (since %(day)s): it is now part of %(successor)s, code "
                "%(code)s. Make the poster for %(successor)s."
            ) % {"area": area.name, "day": area.valid_to, "successor": successor.name, "code": successor.code}
        raise ApplicationError(
            message,
            code="area_ended",
            extra={"field": "area_code", "successor": successor.code if successor else ""},
        )
    return area


def _new_code(country: str) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if not SourceLink.objects.filter(country=country, code=code).exists():
            return code


@transaction.atomic
def poster_make(*, actor: Membership, data: PosterInput) -> Poster:
    """A poster for a school or commune. The same school or campaign of the same area keeps one source
    link whatever its posters' languages and papers, so its reports and visits count together."""
    require(actor, LearningPerm.POSTERS_MAKE)
    if data.kind not in POSTER_KINDS:
        raise ApplicationError(_("A poster is for a school or a campaign."), extra={"field": "kind"})
    place_name = " ".join(data.place_name.split())
    if not place_name:
        raise ApplicationError(_("Write the name of the school or campaign."), extra={"field": "place_name"})
    country = actor.agency.country
    area = poster_area(country=country, code=data.area_code)
    link = (
        SourceLink.objects.filter(country=country, area=area, kind=data.kind, label__iexact=place_name)
        .order_by("pk")
        .first()
    )
    if link is None:
        link = SourceLink.objects.create(
            country=country, code=_new_code(country), kind=data.kind, area=area, label=place_name[:200]
        )
        audit.record(action=AuditAction.CREATE, actor=actor.user, agency=actor.agency, obj=link)
    poster = Poster.objects.create(link=link, language=data.language, paper=data.paper, agency=actor.agency)
    audit.record(action=AuditAction.CREATE, actor=actor.user, agency=actor.agency, obj=poster)
    return poster


def source_visit_count(*, country: str, code: str, day: date | None = None) -> bool:
    """One more library visit through the registered source link `code` on `day` (today): one row per
    link and day, added to in the database (F()), so concurrent visits are all counted. Nothing about
    the visitor is kept, and no audit event (it would be a row per visit). False for a code nobody
    registered: an address typed at random adds no row."""
    link_id = SourceLink.objects.filter(country=country, code=code).values_list("pk", flat=True).first()
    if link_id is None:
        return False
    day = day or timezone.localdate()
    with transaction.atomic():
        if SourceVisit.objects.filter(link_id=link_id, day=day).update(count=F("count") + 1):
            return True
        try:
            with transaction.atomic():
                SourceVisit.objects.create(link_id=link_id, day=day, count=1)
        except IntegrityError:  # another visit made the day's row first
            SourceVisit.objects.filter(link_id=link_id, day=day).update(count=F("count") + 1)
    return True
