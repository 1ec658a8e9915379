"""How the matrix fills a URL's arguments with one's own and another agency's records, and what a
refused POST sends (what would change something, were the refusal missing)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind
from childshield.accounts.permissions import may
from childshield.demo.hashing import demo_picture
from childshield.hashing.models import ApiKey
from childshield.helpline.permissions import HelplinePerm
from childshield.hotline.models import HostingProvider, PartnerHotline
from childshield.learning.models import Course
from childshield.places.models import HelplineNumber
from tests.access_matrix import rules
from tests.access_matrix.world import Actor, World


@dataclass(frozen=True)
class Target:
    """One filling of a URL's arguments, and the record whose access it asks about."""

    label: str
    kwargs: dict[str, Any]
    record: Any = None
    # For public pages: the answer for this filling when it differs (an unknown link: 404).
    answer: str = ""
    # Whether refused POSTs are asked here too (not where another target already has every case).
    posts: bool = True
    # A record named in the query string instead (?report=…).
    query: str = ""


PostData = Callable[[World, Actor, Target], dict[str, Any]]


def records(attr: str, arg: str, noun: str) -> Callable[[World], list[Target]]:
    """Each of the world's records of one kind (`world.<attr>`, one's own and another's) as `arg`."""

    def targets(world: World) -> list[Target]:
        return [
            Target(f"{label} {noun}", {arg: record.pk}, record)
            for label, record in getattr(world, attr).items()
        ]

    return targets


def reports(*keys: str) -> Callable[[World], list[Target]]:
    def targets(world: World) -> list[Target]:
        return [
            Target(f"report {key}", {"reference": world.reports[key].reference}, world.reports[key])
            for key in keys
        ]

    return targets


def platform_reports(world: World) -> list[Target]:
    """The platform's own report (its key reads it) and another platform's (not found)."""
    return [
        Target(f"{label} platform report", {"report_id": report.pk}, report, answer=answer)
        for label, (report, answer) in world.platform_reports.items()
    ]


def hotline_platform_reports(world: World) -> list[Target]:
    """Platform reports filed with the hotline (two platforms') and with the KH hotline, for staff pages."""
    return [
        Target(f"{label} platform report", {"report_id": report.pk}, report)
        for label, (report, _answer) in world.platform_reports.items()
    ]


def _platforms(world: World) -> dict[str, Agency]:
    """The demo's platform (its staff's) and the matrix's other platform (`_hashing` makes it)."""
    return {
        "the platform's": world.agencies["platform"],
        "another platform's": Agency.objects.get(kind=AgencyKind.PLATFORM, name="Another platform (matrix)"),
    }


def agencies_to_set_up(world: World) -> list[Target]:
    """An agency of the demo's country and one of another country: system administrators set up both."""
    return [
        Target(f"{label} agency", {"agency_id": world.agencies[key].pk}, world.agencies[key])
        for label, key in (("the demo helpline's", "helpline"), ("another country's", "helpline KH"))
    ]


def helpline_numbers(world: World) -> list[Target]:
    """A helpline number of each country the demo loads (places' shipped numbers)."""
    numbers = [
        HelplineNumber.objects.filter(country=country).order_by("pk").first() for country in ("VN", "KH")
    ]
    return [Target(f"{one.country} helpline number", {"helpline_id": one.pk}, one) for one in numbers if one]


def hosting_providers(world: World) -> list[Target]:
    """A hosting provider of the demo's: the country's reference data, no agency's."""
    provider = HostingProvider.objects.order_by("pk").first()
    assert provider is not None, "the demo has hosting providers"
    return [Target("a hosting provider", {"provider_id": provider.pk}, provider)]


def partner_hotlines(world: World) -> list[Target]:
    """A partner hotline of the demo's: the country's reference data, no agency's."""
    partner = PartnerHotline.objects.order_by("pk").first()
    assert partner is not None, "the demo has partner hotlines"
    return [Target("a partner hotline", {"partner_id": partner.pk}, partner)]


def platforms(world: World) -> list[Target]:
    return [
        Target(f"{label} platform", {"platform_id": one.pk}, one) for label, one in _platforms(world).items()
    ]


def platform_keys(world: World) -> list[Target]:
    """A live key of each platform."""
    keys = {
        label: ApiKey.objects.filter(agency=one, revoked_at__isnull=True).order_by("pk").first()
        for label, one in _platforms(world).items()
    }
    return [Target(f"{label} key", {"key_id": key.pk}, key) for label, key in keys.items() if key is not None]


def platform_banks(world: World) -> list[Target]:
    """A bank shared with platforms (the key reads its signals) and one that is not (not found)."""
    return [
        Target(label, {"bank_id": world.banks[key].pk}, world.banks[key], answer=answer)
        for label, key, answer in (
            ("a bank shared with platforms", "the hotline's", "200"),
            ("a bank not shared", "the KH hotline's", "404"),
        )
    ]


def notices_to_another(world: World) -> list[Target]:
    """A notice of the world's, sent to no platform of the matrix's key: not found for it."""
    notice = next(iter(world.notices.values()))
    return [Target("a notice to someone else", {"notice_id": notice.pk}, notice, answer="404")]


def chat_channels(world: World) -> list[Target]:
    assert world.chat_channel is not None
    return [Target("a Telegram channel", {"key": world.chat_channel.webhook_key}, world.chat_channel)]


def chat_channels_to_edit(world: World) -> list[Target]:
    assert world.chat_channel is not None
    return [Target("a Telegram channel", {"pk": world.chat_channel.pk}, world.chat_channel)]


def received_images(world: World) -> list[Target]:
    assert world.received_image is not None
    return [Target("a picture from a chat", {"pk": world.received_image.pk}, world.received_image)]


def claimed_pictures(world: World) -> list[Target]:
    """Each claim's report with a message id that is no picture: who may act gets 404, the others the
    queue's refusal."""
    return [
        Target(f"report {key}", {"reference": claim.report.reference, "message_id": 0}, claim)
        for key, claim in world.claims.items()
    ]


def blocked_senders(world: World) -> list[Target]:
    assert world.blocked_sender is not None
    return [Target("a blocked sender", {"pk": world.blocked_sender.pk}, world.blocked_sender)]


def claims(world: World) -> list[Target]:
    return [
        Target(f"report {key}", {"reference": claim.report.reference}, claim)
        for key, claim in world.claims.items()
    ]


# The social office's case is read by every kind of access (its lead and supervisor, the NGO through a
# referral, the system administrator through break-glass, and nobody else): refused posts are asked
# there; the second office's case is asked by GETs, so that each office asks about the other's.
POSTED_CASE = "social's"


def cases(**parts: Any) -> Callable[[World], list[Target]]:
    """Each case, with the case's own record for each further argument (consent_id="consents"), or
    a fixed value (kind="safety"); and, for a record of the case, the social office's case with the
    other office's record in its place (a consent of another case reached through one's own)."""

    def targets(world: World) -> list[Target]:
        def filled(label: str, case_label: str) -> dict[str, Any]:
            return {
                "case_id": world.cases[case_label].pk,
                **{
                    arg: getattr(world, attr)[label].pk if hasattr(world, attr) else attr
                    for arg, attr in parts.items()
                },
            }

        found = [
            Target(f"{label} case", filled(label, label), case, posts=label == POSTED_CASE)
            for label, case in world.cases.items()
        ]
        records = [arg for arg, attr in parts.items() if hasattr(world, attr)]
        for other in [label for label in world.cases if label != POSTED_CASE] if records else []:
            case = world.cases[POSTED_CASE]
            noun = records[0].removesuffix("_id").replace("_", "-")
            found.append(
                Target(
                    f"{POSTED_CASE} case, with {other} case's {noun}",
                    filled(other, POSTED_CASE),
                    rules.AnotherCasesRecord(case),
                )
            )
        return found

    return targets


def items(sub: str = "", arg: str = "") -> Callable[[World], list[Target]]:
    def targets(world: World) -> list[Target]:
        found = []
        for label, item in world.items.items():
            kwargs: dict[str, Any] = {"item_id": item.pk}
            if sub:
                # The KH item has no notice: the hotline's stands in (the item is checked first).
                records = getattr(world, sub)
                kwargs[arg] = (records.get(label) or next(iter(records.values()))).pk
            found.append(Target(f"{label} item", kwargs, item))
        return found

    return targets


def fixed(label: str, **kwargs: Any) -> Callable[[World], list[Target]]:
    return lambda world: [Target(label, kwargs)]


def colleague_on_queue(world: World, actor: Actor) -> int:
    """Someone of the actor's own helpline to hand a report to (what the form offers)."""
    member = actor.membership
    if member is None:
        return 0
    for other in world.members.values():
        if (
            other.agency_id == member.agency_id
            and other.pk != member.pk
            and may(other, HelplinePerm.QUEUE_CLAIM)
        ):
            return other.pk
    return member.pk


def case_version(world: World, actor: Actor, target: Target) -> dict[str, Any]:
    return {"version": target.record.version}


def const(**data: Any) -> PostData:
    return lambda world, actor, target: dict(data)


def image(field: str) -> PostData:
    """A drawn picture (never real material) sent as `field`."""
    return lambda world, actor, target: {
        field: SimpleUploadedFile("picture.png", demo_picture(91), content_type="image/png")
    }


def training_session_post(world: World, actor: Actor, target: Target) -> dict[str, Any]:
    """A session that would be recorded, were the refusal missing: children counted, a day past."""
    course = Course.objects.order_by("pk").first()
    assert course is not None
    return {
        "course": course.pk,
        "held_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "place": "Must not be recorded.",
        "trainer": "Nobody",
        "children_count": 3,
    }


def _shipped_article(slug: str) -> Any:
    from childshield.learning.models import Article

    return Article.objects.get(slug=slug)


def library_articles(world: World) -> list[Target]:
    """A shipped article of the library (the country's: every holder's)."""
    article = _shipped_article(world.help_slug)
    return [Target("a library article", {"article_id": article.pk}, article)]


def library_drafts(world: World) -> list[Target]:
    article = _shipped_article(world.help_slug)
    return [Target("a library article in English", {"article_id": article.pk, "language": "en"}, article)]


def library_app_guides(world: World) -> list[Target]:
    article = _shipped_article("app-zalo")
    return [Target("an app guide", {"article_id": article.pk}, article)]


def library_versions(world: World) -> list[Target]:
    from childshield.learning.models import ArticleVersion

    version = ArticleVersion.objects.filter(article__slug=world.help_slug, language="en").first()
    return [Target("a published version", {"version_id": version.pk}, version)] if version else []
