"""Notes and attachments: added from the case page, attachments downloaded by the case's people."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.forms import AttachmentForm, NoteForm
from childshield.cases.selectors.case_items import attachment_get_for_download
from childshield.cases.selectors.cases import case_get_for_user
from childshield.cases.services.attachments import attachment_add, attachment_content
from childshield.cases.services.notes import note_add
from childshield.cases.views.case_page import case_for_write, case_refused, case_url
from childshield.core.errors import ApplicationError


@staff_view()
@require_POST
def note_add_view(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return case_refused(request, view, ApplicationError(_("The note is empty.")), note_form=form)
    try:
        note_add(acting=view.acting, case=view.case, body=form.cleaned_data["body"])
    except ApplicationError as error:
        return case_refused(request, view, error, note_form=form)
    messages.success(request, _("The note is saved."))
    return redirect(case_url(case_id, "notes"))


@staff_view()
@require_POST
def attachment_add_view(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return case_refused(request, view, ApplicationError(_("Choose a file.")), attachment_form=form)
    try:
        attachment_add(
            acting=view.acting,
            case=view.case,
            upload=form.cleaned_data["upload"],
            description=form.cleaned_data["description"],
        )
    except ApplicationError as error:
        return case_refused(request, view, error, attachment_form=form)
    messages.success(request, _("The file is attached."))
    return redirect(case_url(case_id, "attachments"))


@staff_view()
def attachment_download(request: StaffRequest, case_id: int, attachment_id: int) -> HttpResponse:
    view = case_get_for_user(acting=request.membership, case_id=case_id, record_view=False)
    attachment = attachment_get_for_download(view=view, attachment_id=attachment_id)
    response = HttpResponse(attachment_content(attachment=attachment), content_type=attachment.content_type)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[attachment.content_type]
    # A neutral name: the original may carry the child's name into a downloads folder.
    response["Content-Disposition"] = (
        f'attachment; filename="case-{view.case.number}-{attachment.pk}.{extension}"'
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
