"""The hotline's reference data: hosting providers (what traces recognise, where notices go) and
partner hotlines and police contacts (where escalations go), added, changed and switched off.

A provider that items, traces or another app's records name is switched off, never deleted, so that
the notices sent to it keep their history; one entered by mistake and named by nothing may go.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hotline.models import HostingProvider, PartnerHotline, RecipientKind
from childshield.hotline.permissions import HotlinePerm
from childshield.hotline.provider_lists import asn_read, checked, domain_read, network_read

Reference = HostingProvider | PartnerHotline


@dataclass(frozen=True)
class ProviderData:
    name: str
    is_platform: bool = False
    asns: list[int] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    country: str = ""
    abuse_email: str = ""
    webhook_url: str = ""


@dataclass(frozen=True)
class PartnerData:
    name: str
    country: str
    kind: str
    email: str


def _provider_fields(data: ProviderData) -> dict[str, object]:
    name = data.name.strip()
    if not name:
        raise ApplicationError(_("Give the provider's name."), code="invalid")
    return {
        "name": name,
        "is_platform": data.is_platform,
        # The forms of what `services.hosting._provider_for` compares with a trace.
        "asns": checked(data.asns, asn_read),
        "networks": checked(data.networks, network_read),
        "domains": checked(data.domains, domain_read),
        "country": data.country.strip().upper(),
        "abuse_email": data.abuse_email.strip(),
        "webhook_url": data.webhook_url.strip(),
    }


def _name_taken(name: str, *, other_than: HostingProvider | None) -> bool:
    same = HostingProvider.objects.filter(name__iexact=name)
    return (same if other_than is None else same.exclude(pk=other_than.pk)).exists()


def _record(
    acting: Membership, action: AuditAction, obj: HostingProvider | PartnerHotline, reason: str
) -> None:
    audit.record(action=action, actor=acting.user, agency=acting.agency, obj=obj, reason=reason)


def _fields_set(record: Reference, fields: Mapping[str, object]) -> list[str]:
    """The names of the fields that change, set on the record and saved (none: nothing written)."""
    changed = sorted(name for name, value in fields.items() if getattr(record, name) != value)
    for name in changed:
        setattr(record, name, fields[name])
    if changed:
        record.save(update_fields=changed)
    return changed


def _active_set(acting: Membership, record: Reference, active: bool, noun: str) -> None:
    require(acting, HotlinePerm.REFERENCE_MANAGE)
    updated = type(record).objects.filter(pk=record.pk).exclude(is_active=active).update(is_active=active)
    record.is_active = active
    if updated:
        _record(acting, AuditAction.UPDATE, record, f"{noun} {'switched on' if active else 'switched off'}")


def _lists_reason(provider: HostingProvider) -> str:
    return (
        f"{len(provider.asns)} AS number(s), {len(provider.networks)} IP range(s), "
        f"{len(provider.domains)} domain(s)"
    )


@transaction.atomic
def hosting_provider_create(*, acting: Membership, data: ProviderData) -> HostingProvider:
    require(acting, HotlinePerm.REFERENCE_MANAGE)
    fields = _provider_fields(data)
    if _name_taken(str(fields["name"]), other_than=None):
        raise ApplicationError(_("There is already a hosting provider of this name."), code="duplicate")
    provider = HostingProvider.objects.create(**fields)
    _record(acting, AuditAction.CREATE, provider, f"hosting provider added: {_lists_reason(provider)}")
    return provider


@transaction.atomic
def hosting_provider_update(
    *, acting: Membership, provider: HostingProvider, data: ProviderData
) -> HostingProvider:
    require(acting, HotlinePerm.REFERENCE_MANAGE)
    provider = HostingProvider.objects.select_for_update().get(pk=provider.pk)
    fields = _provider_fields(data)
    if _name_taken(str(fields["name"]), other_than=provider):
        raise ApplicationError(_("There is already a hosting provider of this name."), code="duplicate")
    changed = _fields_set(provider, fields)
    if changed:
        reason = f"hosting provider changed ({', '.join(changed)}): {_lists_reason(provider)}"
        _record(acting, AuditAction.UPDATE, provider, reason)
    return provider


@transaction.atomic
def hosting_provider_active_set(*, acting: Membership, provider: HostingProvider, active: bool) -> None:
    """Switched off, traces no longer find it and no notice goes to it; switched on, they do again."""
    _active_set(acting, provider, active, "hosting provider")


def hosting_provider_in_use(provider: HostingProvider) -> bool:
    """Whether any record names it: an item or a trace of the hotline's, or another app's (a platform
    answering for it), read through the model's relations so that the hotline imports no app above it."""
    for relation in HostingProvider._meta.related_objects:
        model = relation.related_model
        assert not isinstance(model, str)
        if model._default_manager.filter(**{relation.field.name: provider.pk}).exists():
            return True
    return False


@transaction.atomic
def hosting_provider_delete(*, acting: Membership, provider: HostingProvider) -> None:
    require(acting, HotlinePerm.REFERENCE_MANAGE)
    provider = HostingProvider.objects.select_for_update().get(pk=provider.pk)
    if hosting_provider_in_use(provider):
        raise ApplicationError(
            _("Items, traces or notices name this provider: switch it off instead."), code="in_use"
        )
    _record(acting, AuditAction.DELETE, provider, f"hosting provider deleted: {_lists_reason(provider)}")
    provider.delete()


def _partner_fields(data: PartnerData) -> dict[str, str]:
    name, country, email = data.name.strip(), data.country.strip().upper(), data.email.strip()
    if not name or len(country) != 2 or not country.isalpha() or not email:
        raise ApplicationError(_("Give the name, the country and the e-mail."), code="invalid")
    if data.kind not in (RecipientKind.PARTNER_HOTLINE, RecipientKind.POLICE):
        raise ApplicationError(_("A partner is a hotline or the police."), code="invalid")
    return {"name": name, "country": country, "kind": data.kind, "email": email}


@transaction.atomic
def partner_hotline_create(*, acting: Membership, data: PartnerData) -> PartnerHotline:
    require(acting, HotlinePerm.REFERENCE_MANAGE)
    partner = PartnerHotline.objects.create(**_partner_fields(data))
    _record(acting, AuditAction.CREATE, partner, f"partner added: {partner.kind} of {partner.country}")
    return partner


@transaction.atomic
def partner_hotline_update(
    *, acting: Membership, partner: PartnerHotline, data: PartnerData
) -> PartnerHotline:
    require(acting, HotlinePerm.REFERENCE_MANAGE)
    partner = PartnerHotline.objects.select_for_update().get(pk=partner.pk)
    changed = _fields_set(partner, _partner_fields(data))
    if changed:
        _record(acting, AuditAction.UPDATE, partner, f"partner changed ({', '.join(changed)})")
    return partner


@transaction.atomic
def partner_hotline_active_set(*, acting: Membership, partner: PartnerHotline, active: bool) -> None:
    """Switched off, escalations no longer go to it (the next active contact of its country does)."""
    _active_set(acting, partner, active, "partner")
