"""Referrals as lists show them: each with its deadline at the moment the page is made and, when it
is overdue and the reader sent it, the receiving agency's numbers to call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from childshield.accounts.models import Agency
from childshield.cases.deadlines import Deadline, deadline_of
from childshield.cases.models import Referral
from childshield.directory.models import Resource


@dataclass(frozen=True)
class AgencyContact:
    """A number to call about an overdue referral: the receiving agency's on-call phone, or the
    phone of a service it runs in the directory."""

    phone: str
    service: str  # the directory service's name; empty for the agency's on-call phone
    at_any_hour: bool  # the on-call phone, or a service open 24 hours, 7 days
    open_now: bool


@dataclass(frozen=True)
class ReferralRow:
    """A referral in a list, with its deadline at the moment the page is made and, when it is overdue
    and the reader sent it, whom to call."""

    referral: Referral
    deadline: Deadline
    contacts: tuple[AgencyContact, ...] = ()


def agency_contacts(*, agency_ids: Iterable[int], now: datetime) -> dict[int, tuple[AgencyContact, ...]]:
    """Whom to call at each agency, the likeliest to answer first: its on-call phone, then the phones
    of the services it runs (directory), open ones first. Agencies without any are left out."""
    ids = set(agency_ids)
    if not ids:
        return {}
    found: dict[int, list[AgencyContact]] = {agency_id: [] for agency_id in ids}
    for agency_id, phone in (
        Agency.objects.filter(pk__in=ids).exclude(on_call_phone="").values_list("pk", "on_call_phone")
    ):
        found[agency_id].append(AgencyContact(phone=phone, service="", at_any_hour=True, open_now=True))
    services = (
        Resource.objects.filter(agency_id__in=ids, is_active=True)
        .exclude(phone="")
        .only("agency_id", "phone", "always_open", "name_vi", "name_km", "name_en")
        .prefetch_related("hours")
        .order_by("-always_open", "id")
    )
    for service in services:
        if service.agency_id is None:  # not so, by the filter; the type does not know it
            continue
        found[service.agency_id].append(
            AgencyContact(
                phone=service.phone,
                service=service.name,
                at_any_hour=service.always_open,
                open_now=service.is_open_at(now),
            )
        )
    return {
        agency_id: tuple(sorted(contacts, key=lambda contact: (contact.service != "", not contact.open_now)))
        for agency_id, contacts in found.items()
        if contacts
    }


def referral_rows(
    referrals: Iterable[Referral], *, now: datetime, with_contacts: bool = False
) -> list[ReferralRow]:
    """Each referral with its deadline at `now`; `with_contacts` adds, to the overdue ones, the
    receiving agency's numbers (for the sender, so an emergency at night reaches a person)."""
    rows = [(referral, deadline_of(referral, now=now)) for referral in referrals]
    contacts = (
        agency_contacts(agency_ids=(r.to_agency_id for r, deadline in rows if deadline.overdue), now=now)
        if with_contacts
        else {}
    )
    return [
        ReferralRow(
            referral=referral,
            deadline=deadline,
            contacts=contacts.get(referral.to_agency_id, ()) if deadline.overdue else (),
        )
        for referral, deadline in rows
    ]
