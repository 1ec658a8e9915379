"""Logging contacts: the form with its draft and the caller's history, one-click contacts, a contact's
page with its caller note, and where a contact leads (a case, the hotline)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.permissions import may
from childshield.cases.permissions import CasePerm, case_access
from childshield.cases.selectors.opening import DuplicateCheck
from childshield.cases.selectors.options import areas_for_cases
from childshield.core.errors import ApplicationError
from childshield.helpline import selectors
from childshield.helpline.caller_identity import caller_key_for
from childshield.helpline.forms import (
    CallerNoteForm,
    CaseFromContactForm,
    ContactForm,
    HotlineAddressesForm,
    case_initial_from_contact,
)
from childshield.helpline.models import Contact, ContactChannel, ContactKind
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.services import callers as caller_services
from childshield.helpline.services import contact_links
from childshield.helpline.services import contacts as contact_services
from childshield.hotline.permissions import HotlinePerm
from childshield.places.selectors import provinces_by_name

QUICK_KINDS = [choice for choice in ContactKind.choices if choice[0] != ContactKind.COUNSELLING]


def _contact_page(
    request: StaffRequest, form: ContactForm, status: int = 200, **extra: object
) -> HttpResponse:
    acting = request.membership
    chosen = {str(value) for value in (form["categories"].value() or [])}
    context = {
        "form": form,
        "report": form.report,
        "category_groups": selectors.categories_for_form(),
        "chosen_categories": chosen,
        "quick_kinds": QUICK_KINDS,
        "channels": [choice for choice in ContactChannel.choices if choice[0] != ContactChannel.WEB],
        "today": selectors.contacts_today(acting=acting),
        "recent": selectors.contacts_recent(acting=acting, limit=10),
        **extra,
    }
    return render(request, "helpline/contact_new.html", context, status=status)


_MULTIPLE = {"categories", "actions"}


def _draft_initial(fields: dict[str, list[str]]) -> dict[str, object]:
    return {
        name: values if name in _MULTIPLE else (values[0] if values else "")
        for name, values in fields.items()
    }


@staff_view(HelplinePerm.CONTACT_LOG)
@require_http_methods(["GET", "POST"])
def contact_new(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    reference = request.GET.get("report", "")
    report = selectors.report_for_contact(acting=acting, reference=reference) if reference else None
    provinces = provinces_by_name(country=settings.CHILDSHIELD_COUNTRY, language=get_language() or "en")
    categories = selectors.categories_active()
    if request.method == "POST":
        form = ContactForm(request.POST, provinces=provinces, categories=categories, report=report)
        if form.is_valid():
            try:
                contact = contact_services.contact_log(acting=acting, details=form.details())
            except ApplicationError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("The contact is logged."))
                return redirect("helpline:contact_detail", pk=contact.pk)
        # Everything typed comes back in the form, and stays in the draft: nothing is lost.
        contact_services.contact_draft_save(
            acting=acting, report_reference=reference, fields=dict(request.POST.lists())
        )
        key = caller_key_for(request.POST.get("caller", "")[:100])
        history = selectors.caller_history(acting=acting, caller_key=key) if key else None
        return _contact_page(request, form, status=400, history=history)
    draft = selectors.contact_draft_get(acting=acting, report_reference=reference)
    initial = {
        # A draft without categories had them all unticked: the report's are not ticked again.
        **({"categories": [], **_draft_initial(draft.typed)} if draft is not None else {}),
        "draft_token": secrets.token_urlsafe(16),
    }
    form = ContactForm(initial=initial, provinces=provinces, categories=categories, report=report)
    return _contact_page(request, form, draft=draft)


@staff_view(HelplinePerm.CONTACT_LOG)
@require_POST
def contact_draft(request: StaffRequest) -> HttpResponse:
    """HTMX: the contact form as typed so far, saved a couple of seconds after the last keystroke."""
    draft = contact_services.contact_draft_save(
        acting=request.membership,
        report_reference=request.GET.get("report", ""),
        fields=dict(request.POST.lists()),
        token=request.POST.get("draft_token", "")[:64],
    )
    return render(request, "helpline/_draft_status.html", {"draft": draft})


@staff_view(HelplinePerm.CONTACT_LOG)
@require_POST
def contact_draft_discard(request: StaffRequest) -> HttpResponse:
    reference = request.GET.get("report", "")
    contact_services.contact_draft_discard(acting=request.membership, report_reference=reference)
    messages.success(request, _("The draft is discarded. The form is empty."))
    target = reverse("helpline:contact_new")
    return redirect(f"{target}?report={reference}" if reference else target)


@staff_view(HelplinePerm.CONTACT_LOG)
@require_POST
def contact_quick(request: StaffRequest) -> HttpResponse:
    try:
        contact = contact_services.contact_log_quick(
            acting=request.membership,
            channel=request.POST.get("channel", ""),
            kind=request.POST.get("kind", ""),
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Logged: %(kind)s (%(channel)s).")
            % {"kind": contact.get_kind_display(), "channel": contact.get_channel_display()},
        )
    return redirect("helpline:contact_new")


def _contact_detail_page(request: StaffRequest, contact: Contact, **extra: object) -> HttpResponse:
    acting = request.membership
    history = (
        selectors.caller_history(acting=acting, caller_key=contact.caller_key, exclude=contact)
        if contact.caller_key
        else None
    )
    context = {
        "contact": contact,
        "history": history,
        "may_open_case": contact.is_counselling and may(acting, CasePerm.CASE_OPEN),
        "case_visible": contact.case is not None and case_access(acting, contact.case).visible,
        "hotline_links": selectors.contact_hotline_items(acting=acting, contact=contact),
        "may_open_hotline_items": may(acting, HotlinePerm.ITEM_VIEW),
        "addresses_form": extra.pop("addresses_form", None) or HotlineAddressesForm(),
        "note_form": extra.pop("note_form", None)
        or CallerNoteForm(initial={"expires_on": timezone.localdate() + timedelta(days=90)}),
        **extra,
    }
    return render(
        request, "helpline/contact_detail.html", context, status=400 if extra.get("failed") else 200
    )


@staff_view(HelplinePerm.CONTACT_VIEW)
@require_GET
def contact_detail(request: StaffRequest, pk: int) -> HttpResponse:
    return _contact_detail_page(request, selectors.contact_get(acting=request.membership, pk=pk))


@staff_view(HelplinePerm.CONTACT_LOG)
@require_POST
def contact_caller_note(request: StaffRequest, pk: int) -> HttpResponse:
    acting = request.membership
    contact = selectors.contact_get(acting=acting, pk=pk)
    form = CallerNoteForm(request.POST)
    if form.is_valid():
        try:
            caller_services.caller_note_add(
                acting=acting,
                contact=contact,
                note=form.cleaned_data["note"],
                flags=form.cleaned_data["flags"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request, _("The note is saved. Colleagues see it when this caller contacts again.")
            )
            return redirect("helpline:contact_detail", pk=contact.pk)
    return _contact_detail_page(request, contact, note_form=form, failed=True)


@staff_view(HelplinePerm.CONTACT_LOG)
@require_POST
def caller_lookup(request: StaffRequest) -> HttpResponse:
    """HTMX: as the counsellor types a number or thread, whether this caller contacted the helpline before."""
    key = caller_key_for(request.POST.get("caller", "")[:100])
    history = selectors.caller_history(acting=request.membership, caller_key=key) if key else None
    return render(request, "helpline/_caller_history.html", {"history": history})


@staff_view(CasePerm.CASE_OPEN)
@require_http_methods(["GET", "POST"])
def contact_case_open(request: StaffRequest, pk: int) -> HttpResponse:
    """Open a case from a contact, prefilled with what the contact knows; the two stay linked."""
    acting = request.membership
    contact = selectors.contact_get(acting=acting, pk=pk)
    if contact.case_id is not None:
        messages.info(request, _("A case is already open from this contact."))
        return redirect("helpline:contact_detail", pk=contact.pk)
    areas = areas_for_cases(country=acting.agency.country)
    form = CaseFromContactForm(request.POST or None, areas=areas, initial=case_initial_from_contact(contact))
    duplicates: DuplicateCheck | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = contact_links.contact_case_open(
                acting=acting,
                contact=contact,
                data=contact_links.CaseFromContact(
                    child_name=data["child_name"],
                    area=data["area"],
                    risk_level=data["risk_level"],
                    harm_types=data["harm_types"],
                    estimated_age=data["estimated_age"],
                    gender=data["gender"],
                    summary=data["summary"],
                    duplicates_acknowledged=data["duplicates_acknowledged"],
                ),
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
            found = error.extra.get("duplicates")
            duplicates = found if isinstance(found, DuplicateCheck) else None
        else:
            messages.success(
                request,
                _("Case %(number)s is open, with you as its worker. Record consent there before sharing.")
                % {"number": case.number},
            )
            return redirect("cases:case_detail", case.pk)
    return render(
        request,
        "helpline/contact_case.html",
        {"form": form, "contact": contact, "duplicates": duplicates},
        status=400 if form.errors else 200,
    )


@staff_view(HelplinePerm.CONTACT_LOG)
@require_POST
def contact_hotline(request: StaffRequest, pk: int) -> HttpResponse:
    """Report the web addresses a caller gave to the hotline, linked to the contact."""
    acting = request.membership
    contact = selectors.contact_get(acting=acting, pk=pk)
    form = HotlineAddressesForm(request.POST)
    if form.is_valid():
        try:
            results = contact_links.contact_addresses_report(
                acting=acting, contact=contact, text=form.cleaned_data["addresses"]
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            refused = [result for result in results if result.error]
            filed = len(results) - len(refused)
            if filed:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s address reported to the hotline.",
                        "%(count)s addresses reported to the hotline.",
                        filed,
                    )
                    % {"count": filed},
                )
            if not refused:
                return redirect("helpline:contact_detail", pk=contact.pk)
            # Only the refused lines come back, each with its reason, to be corrected.
            form = HotlineAddressesForm(data={"addresses": "\n".join(result.text for result in refused)})
            form.is_valid()
            for result in refused:
                form.add_error(
                    "addresses", _("Line %(line)s: %(error)s") % {"line": result.line, "error": result.error}
                )
    return _contact_detail_page(request, contact, addresses_form=form, failed=True)
