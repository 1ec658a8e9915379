"""Reads of posters for the staff who make them: their agency's, or every one for scope ALL."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from childshield.accounts.models import Membership
from childshield.accounts.permissions import Scope, require
from childshield.learning.models import Poster
from childshield.learning.permissions import LearningPerm


def posters_for(*, actor: Membership) -> QuerySet[Poster]:
    scope = require(actor, LearningPerm.POSTERS_MAKE)
    posters = Poster.objects.select_related("link", "link__area", "agency")
    return posters if scope == Scope.ALL else posters.filter(agency=actor.agency)


def poster_get_for(*, actor: Membership, pk: int) -> Poster:
    """One poster the member may print; 404 for another agency's."""
    return get_object_or_404(posters_for(actor=actor), pk=pk)
