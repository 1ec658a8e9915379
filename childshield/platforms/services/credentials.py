"""Platforms onboarded and their keys: a platform made with the hosting providers it answers for
(by a hotline lead or a system administrator, or from the command line), and its keys issued, live
or sandbox, rotated and revoked (by those, or by the platform's own staff for their platform)."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency, AgencyKind, Membership
from childshield.accounts.permissions import Scope, require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hashing.models import ApiKey, ApiScope
from childshield.hashing.services import api_key_create, api_key_end, api_key_replace
from childshield.hotline.models import HostingProvider
from childshield.platforms.models import PlatformHost
from childshield.platforms.permissions import PlatformPerm
from childshield.platforms.services.sandbox import sandbox_bank_ensure, sandbox_key_expiry


def platform_require(actor: Membership, platform: Agency) -> None:
    """The member may manage this platform's keys: any platform's (scope ALL), or their own's."""
    scope = require(actor, PlatformPerm.CREDENTIALS_MANAGE)
    if platform.kind != AgencyKind.PLATFORM:
        raise ApplicationError(_("This agency is not a platform."), code="not_a_platform")
    if scope < Scope.ALL and platform.pk != actor.agency_id:
        raise ApplicationError(_("You can manage only your own platform's keys."), code="forbidden")


def _platform_get_or_make(*, name: str, country: str) -> tuple[Agency, bool]:
    name = name.strip()
    if not name:
        raise ApplicationError(_("A platform needs a name."), code="invalid")
    platform, created = Agency.objects.get_or_create(
        country=country.upper(), name=name, defaults={"kind": AgencyKind.PLATFORM}
    )
    if platform.kind != AgencyKind.PLATFORM:
        raise ApplicationError(
            _("%(name)s is an agency of another kind, not a platform.") % {"name": name},
            code="not_a_platform",
        )
    if not platform.is_active:
        raise ApplicationError(_("%(name)s is switched off.") % {"name": name}, code="inactive")
    return platform, created


@transaction.atomic
def platform_create(
    *,
    actor: Membership,
    name: str,
    country: str,
    contact_email: str,
    providers: Iterable[HostingProvider] = (),
) -> Agency:
    """A new platform (an agency of kind platform). Its contact e-mail is where notices of record go:
    the abuse e-mail of its own hosting-provider record, made with it; the hotline's traces that name
    it, or one of `providers` (each answering for one platform only), reach its webhooks too."""
    require(actor, PlatformPerm.ONBOARD)
    platform, created = _platform_get_or_make(name=name, country=country)
    if not created:
        raise ApplicationError(_("There is already a platform of this name."), code="duplicate")
    contact_email = contact_email.strip()
    if not contact_email:
        raise ApplicationError(_("Give the platform's contact e-mail for notices."), code="invalid")
    own = HostingProvider.objects.create(
        name=platform.name, is_platform=True, country=platform.country, abuse_email=contact_email
    )
    chosen = {provider.pk: provider for provider in providers}
    taken = PlatformHost.objects.filter(provider_id__in=chosen).select_related("provider").first()
    if taken is not None:
        raise ApplicationError(
            _("%(provider)s already answers for another platform.") % {"provider": taken.provider.name},
            code="provider_taken",
        )
    PlatformHost.objects.bulk_create(
        [PlatformHost(platform=platform, provider=provider) for provider in [own, *chosen.values()]]
    )
    audit.record(
        action=AuditAction.CREATE,
        actor=actor.user,
        agency=actor.agency,
        obj=platform,
        reason=f"platform onboarded with {len(chosen) + 1} hosting providers",
    )
    return platform


@transaction.atomic
def platform_key_issue(
    *,
    actor: Membership,
    platform: Agency,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime | None = None,
    sandbox: bool = False,
) -> tuple[ApiKey, str]:
    """A key of the platform's (live, or sandbox: the synthetic bank only, its reports kept apart);
    the secret is returned once."""
    platform_require(actor, platform)
    if sandbox:
        sandbox_bank_ensure()
    return api_key_create(
        agency=platform,
        name=name,
        scopes=scopes,
        created_by=actor.user,
        expires_at=expires_at,
        audit_agency=actor.agency,
        sandbox=sandbox,
    )


def platform_sandbox_key_issue(*, actor: Membership, platform: Agency) -> tuple[ApiKey, str]:
    """The one-button sandbox key: every scope, for `SANDBOX_KEY_DAYS`."""
    return platform_key_issue(
        actor=actor,
        platform=platform,
        name=_("Sandbox"),
        scopes=ApiScope.values,
        expires_at=sandbox_key_expiry(),
        sandbox=True,
    )


@transaction.atomic
def platform_key_rotate(*, actor: Membership, key: ApiKey, overlap_hours: int) -> tuple[ApiKey, str]:
    platform_require(actor, key.agency)
    return api_key_replace(actor=actor, key=key, overlap_hours=overlap_hours)


@transaction.atomic
def platform_key_revoke(*, actor: Membership, key: ApiKey) -> ApiKey:
    platform_require(actor, key.agency)
    return api_key_end(actor=actor, key=key)


@transaction.atomic
def platform_credential_create(
    *,
    name: str,
    country: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    sandbox: bool = False,
) -> tuple[Agency, ApiKey, str]:
    """From the command line (the server's administrator): the platform `name` (made if new) and a
    key of it with `scopes`, a sandbox key with `sandbox`.

    The secret is returned once; only its digest is kept. An agency of that name that is not a
    platform is refused, never turned into one.
    """
    platform, created = _platform_get_or_make(name=name, country=country)
    if created:
        audit.record(action=AuditAction.CREATE, obj=platform, reason="platform created from the command line")
    if sandbox:
        sandbox_bank_ensure()
    key, secret = api_key_create(
        agency=platform,
        name=_("Sandbox, from the command line") if sandbox else _("Created from the command line"),
        scopes=scopes,
        created_by=None,
        expires_at=expires_at,
        sandbox=sandbox,
    )
    return platform, key, secret
