"""What the case forms offer to choose from: areas, agencies, supervisors, workers, assignees, the consents a
referral can rest on, and services of the directory."""

from __future__ import annotations

from django.db.models import QuerySet

from childshield.accounts.models import Agency, Membership, Role
from childshield.accounts.permissions import roles_holding
from childshield.cases.models import Case, Consent
from childshield.cases.permissions import CasePerm
from childshield.directory.models import Resource
from childshield.directory.selectors import resource_search
from childshield.places.models import Area


def areas_for_cases(*, country: str) -> QuerySet[Area]:
    """The areas a child can be placed in: current provinces and communes of the country."""
    return (
        Area.objects.filter(
            country=country, level__in=[Area.Level.PROVINCE, Area.Level.COMMUNE], valid_to__isnull=True
        )
        .select_related("parent")
        .order_by("code")
    )


def agencies_for_referral(*, acting: Membership) -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True, country=acting.agency.country).exclude(pk=acting.agency_id)


def agencies_active(*, country: str | None) -> QuerySet[Agency]:
    agencies = Agency.objects.filter(is_active=True).order_by("name")
    return agencies if country is None else agencies.filter(country=country)


def supervisors_in_agency(*, agency_id: int) -> QuerySet[Membership]:
    return Membership.objects.filter(
        agency_id=agency_id,
        is_active=True,
        user__is_active=True,
        role__in=[Role.CASE_SUPERVISOR, Role.HELPLINE_SUPERVISOR],
    ).select_related("user", "agency")


def case_workers_in_agency(*, agency_id: int) -> QuerySet[Membership]:
    """Who a case of the agency can be handed to: its active members who work on cases."""
    return (
        Membership.objects.filter(
            agency_id=agency_id,
            is_active=True,
            user__is_active=True,
            role__in=roles_holding(CasePerm.CASE_WORK),
        )
        .select_related("user", "agency")
        .order_by("user__full_name", "id")
    )


def case_assignees(*, case: Case) -> QuerySet[Membership]:
    """Who a follow-up can go to: the people who can open the case."""
    ids = [pk for pk in (case.lead_worker_id, case.supervisor_id) if pk]
    return Membership.objects.filter(pk__in=ids, is_active=True).select_related("user", "agency")


def consents_usable(*, case: Case) -> QuerySet[Consent]:
    return case.consents.filter(withdrawn_at__isnull=True).order_by("-recorded_at", "-id")


def directory_services(*, acting: Membership, case: Case) -> QuerySet[Resource]:
    """The directory's active services that serve the child's area (the areas above and inside it
    included): those a service in the child's plan can be provided by."""
    return resource_search(acting=acting, country=case.agency.country, area=case.child.area)
