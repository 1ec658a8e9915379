"""Staff pages of the platforms app: what platforms said of each hash of a bank."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.hashing.permissions import HashPerm
from childshield.platforms import sync


@staff_view(HashPerm.BANKS_VIEW)
@require_GET
def bank_feedback(request: StaffRequest, bank_id: int) -> HttpResponse:
    feedback = sync.bank_feedback(membership=request.membership, pk=bank_id, page=request.GET.get("page"))
    return render(request, "platforms/bank_feedback.html", {"feedback": feedback})
