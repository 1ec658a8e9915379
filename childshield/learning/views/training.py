"""Training pages: the agency's sessions, recording one, one session with its scores, a certificate to
print, and who is trained with the refresher due. Thin doors onto the selectors and the service."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.permissions import may
from childshield.core.errors import ApplicationError
from childshield.learning import training_selectors as selectors
from childshield.learning.permissions import LearningPerm
from childshield.learning.services.training import training_session_record
from childshield.learning.training_forms import SessionForm

# A page of sessions; older ones are kept, and counted in the figures, but not listed here.
SESSION_LIMIT = 100


@staff_view(LearningPerm.TRAINING_VIEW)
@require_GET
def training_session_list(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    rows = list(selectors.training_sessions_for(acting=acting)[: SESSION_LIMIT + 1])
    context = {
        "sessions": rows[:SESSION_LIMIT],
        "more": len(rows) > SESSION_LIMIT,
        "may_record": may(acting, LearningPerm.TRAINING_RECORD),
    }
    return render(request, "learning/training/session_list.html", context)


@staff_view(LearningPerm.TRAINING_RECORD)
@require_http_methods(["GET", "POST"])
def training_session_new(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    form = SessionForm(
        request.POST or None,
        courses=selectors.courses_offered(),
        members=selectors.members_to_pick(acting=acting),
        agencies=selectors.agencies_to_pick(acting=acting),
        areas=selectors.areas_to_pick(acting=acting),
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = training_session_record(acting=acting, data=form.session_input())
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The session is recorded."))
            return redirect("learning:training_session_detail", pk=session.pk)
    status = 400 if form.errors else 200
    return render(request, "learning/training/session_form.html", {"form": form}, status=status)


@staff_view(LearningPerm.TRAINING_VIEW)
@require_GET
def training_session_detail(request: StaffRequest, pk: int) -> HttpResponse:
    session = selectors.training_session_get(acting=request.membership, pk=pk)
    context = {"session": session, "max_score": selectors.course_max_score(session.course)}
    return render(request, "learning/training/session_detail.html", context)


@staff_view(LearningPerm.TRAINING_VIEW)
@require_GET
def training_certificate(request: StaffRequest, pk: int) -> HttpResponse:
    attendance = selectors.attendance_get(acting=request.membership, pk=pk)
    return render(request, "learning/training/certificate.html", {"attendance": attendance})


@staff_view(LearningPerm.TRAINING_VIEW)
@require_GET
def training_trained(request: StaffRequest) -> HttpResponse:
    by_area = selectors.trained_people(acting=request.membership)
    return render(request, "learning/training/trained.html", {"by_area": by_area})
