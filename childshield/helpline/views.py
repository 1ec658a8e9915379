"""The counsellor's console: the queue of waiting reports and logging contacts. Thin doors onto services."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may, require
from childshield.cases.permissions import CasePerm, case_access
from childshield.cases.selectors.options import areas_for_cases
from childshield.core.errors import ApplicationError
from childshield.helpline import selectors, services
from childshield.helpline.figures import Period
from childshield.helpline.forms import (
    CallerNoteForm,
    CaseFromContactForm,
    ContactForm,
    HandOverForm,
    HotlineAddressesForm,
    ReplyForm,
    ReplyTemplateForm,
    TriageRuleForm,
    case_initial_from_contact,
)
from childshield.helpline.models import Contact, ContactChannel, ContactKind, ReplyTemplate, TriageRule
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.reply_templates import LANGUAGES
from childshield.helpline.triage import Flag, RuleSpec, Signal, compile_rules, signals_in
from childshield.hotline.permissions import HotlinePerm
from childshield.places.models import NAME_LANGUAGES, Area
from childshield.places.selectors import areas_current

QUICK_KINDS = [choice for choice in ContactKind.choices if choice[0] != ContactKind.COUNSELLING]


def _acting(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined]


def _poll_seconds() -> int:
    return int(getattr(settings, "HELPLINE_QUEUE_POLL_SECONDS", 10))


def _queue_context(acting: Membership) -> dict[str, object]:
    items = services.queue_triaged(acting=acting)
    return {
        "items": items,
        "overdue": [item for item in items if item.is_overdue]
        if may(acting, HelplinePerm.QUEUE_ALERTS)
        else [],
        "alert_minutes": selectors.urgent_alert_minutes(),
        "acting": acting,
        "poll_seconds": _poll_seconds(),
        "colleagues": list(selectors.colleagues_on_queue(acting=acting)),
        "may_reassign": may(acting, HelplinePerm.QUEUE_REASSIGN),
        "may_manage_rules": may(acting, HelplinePerm.RULES_MANAGE),
    }


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "helpline/queue.html", _queue_context(_acting(request)))


@login_required
@require_GET
def queue_rows(request: HttpRequest) -> HttpResponse:
    """The queue's body alone, fetched by HTMX every few seconds."""
    return render(request, "helpline/_queue_rows.html", _queue_context(_acting(request)))


@login_required
@require_POST
def queue_claim(request: HttpRequest, reference: str) -> HttpResponse:
    acting = _acting(request)
    report = selectors.queue_report(acting=acting, reference=reference)
    try:
        services.queue_claim(acting=acting, report=report)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("helpline:queue")
    messages.success(request, _("Report %(code)s is yours now.") % {"code": report.display_reference})
    return redirect("helpline:queue_reply", reference=report.reference)


@login_required
@require_POST
def queue_release(request: HttpRequest, reference: str) -> HttpResponse:
    acting = _acting(request)
    report = selectors.queue_report(acting=acting, reference=reference)
    try:
        services.queue_release(acting=acting, report=report)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Report %(code)s is back in the queue.") % {"code": report.display_reference}
        )
    return redirect("helpline:queue")


@login_required
@require_POST
def queue_hand_over(request: HttpRequest, reference: str) -> HttpResponse:
    acting = _acting(request)
    report = selectors.queue_report(acting=acting, reference=reference)
    form = HandOverForm(request.POST, colleagues=selectors.colleagues_on_queue(acting=acting))
    if not form.is_valid():
        messages.error(request, _("Choose a colleague to hand the report to."))
        return redirect("helpline:queue")
    try:
        services.queue_hand_over(acting=acting, report=report, to=form.cleaned_data["to"])
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Report %(code)s is now with %(name)s.")
            % {"code": report.display_reference, "name": form.cleaned_data["to"].user.full_name},
        )
    return redirect("helpline:queue")


def _provinces() -> object:
    language = (get_language() or "en").split("-")[0]
    column = f"name_{language}" if language in NAME_LANGUAGES else "name_en"
    return areas_current(country=settings.CHILDSHIELD_COUNTRY, level=Area.Level.PROVINCE).order_by(
        column, "code"
    )


def _contact_page(
    request: HttpRequest, acting: Membership, form: ContactForm, status: int = 200, **extra: object
) -> HttpResponse:
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


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest) -> HttpResponse:
    acting = _acting(request)
    require(acting, HelplinePerm.CONTACT_LOG)
    reference = request.GET.get("report", "")
    report = selectors.report_for_contact(acting=acting, reference=reference) if reference else None
    form_options = {"provinces": _provinces(), "categories": selectors.categories_active(), "report": report}
    if request.method == "POST":
        form = ContactForm(request.POST, **form_options)  # type: ignore[arg-type]
        if form.is_valid():
            try:
                contact = services.contact_log(acting=acting, details=form.details())
            except ApplicationError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("The contact is logged."))
                return redirect("helpline:contact_detail", pk=contact.pk)
        # Everything typed comes back in the form, and stays in the draft: nothing is lost.
        services.contact_draft_save(
            acting=acting, report_reference=reference, fields=dict(request.POST.lists())
        )
        key = services.caller_key_for(request.POST.get("caller", "")[:100])
        history = selectors.caller_history(acting=acting, caller_key=key) if key else None
        return _contact_page(request, acting, form, status=400, history=history)
    draft = selectors.contact_draft_get(acting=acting, report_reference=reference)
    initial = {
        **(_draft_initial(draft.typed) if draft is not None else {}),
        "draft_token": secrets.token_urlsafe(16),
    }
    form = ContactForm(initial=initial, **form_options)  # type: ignore[arg-type]
    return _contact_page(request, acting, form, draft=draft)


@login_required
@require_POST
def contact_draft(request: HttpRequest) -> HttpResponse:
    """HTMX: the contact form as typed so far, saved a couple of seconds after the last keystroke."""
    acting = _acting(request)
    draft = services.contact_draft_save(
        acting=acting,
        report_reference=request.GET.get("report", ""),
        fields=dict(request.POST.lists()),
        token=request.POST.get("draft_token", "")[:64],
    )
    return render(request, "helpline/_draft_status.html", {"draft": draft})


@login_required
@require_POST
def contact_draft_discard(request: HttpRequest) -> HttpResponse:
    acting = _acting(request)
    reference = request.GET.get("report", "")
    services.contact_draft_discard(acting=acting, report_reference=reference)
    messages.success(request, _("The draft is discarded. The form is empty."))
    target = reverse("helpline:contact_new")
    return redirect(f"{target}?report={reference}" if reference else target)


@login_required
@require_POST
def contact_quick(request: HttpRequest) -> HttpResponse:
    acting = _acting(request)
    try:
        contact = services.contact_log_quick(
            acting=acting, channel=request.POST.get("channel", ""), kind=request.POST.get("kind", "")
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


def _contact_detail_page(
    request: HttpRequest, acting: Membership, contact: Contact, **extra: object
) -> HttpResponse:
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


@login_required
@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    acting = _acting(request)
    return _contact_detail_page(request, acting, selectors.contact_get(acting=acting, pk=pk))


@login_required
@require_POST
def contact_caller_note(request: HttpRequest, pk: int) -> HttpResponse:
    acting = _acting(request)
    contact = selectors.contact_get(acting=acting, pk=pk)
    form = CallerNoteForm(request.POST)
    if form.is_valid():
        try:
            services.caller_note_add(
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
    return _contact_detail_page(request, acting, contact, note_form=form, failed=True)


@login_required
@require_POST
def caller_lookup(request: HttpRequest) -> HttpResponse:
    """HTMX: as the counsellor types a number or thread, whether this caller contacted the helpline before."""
    acting = _acting(request)
    key = services.caller_key_for(request.POST.get("caller", "")[:100])
    history = selectors.caller_history(acting=acting, caller_key=key) if key else None
    return render(request, "helpline/_caller_history.html", {"history": history})


@login_required
@require_http_methods(["GET", "POST"])
def queue_reply(request: HttpRequest, reference: str) -> HttpResponse:
    """Answer a report from the queue, starting from a saved template in the reporter's language."""
    acting = _acting(request)
    report, thread = selectors.report_for_reply(acting=acting, reference=reference)
    services.reports_triage(acting=acting, report=report)
    flags = selectors.report_triage_flags(acting=acting, report=report)
    language = report.language or get_language() or "en"
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                services.queue_reply(
                    acting=acting,
                    report=report,
                    body=form.cleaned_data["body"],
                    once=form.cleaned_data["once"],
                )
            except ApplicationError as error:
                form.add_error("body", str(error.message))
            else:
                messages.success(
                    request, _("Your reply is in the thread. The reporter sees it with their code.")
                )
                return redirect("helpline:queue_reply", reference=report.reference)
    else:
        chosen = selectors.reply_template_by_code(request.GET.get("template", ""))
        form = ReplyForm(
            initial={"body": chosen.body(language) if chosen else "", "once": secrets.token_urlsafe(16)}
        )
    context = {
        "report": report,
        "thread": thread,
        "flags": flags,
        "may_open_case": may(acting, CasePerm.CASE_OPEN),
        "form": form,
        "templates": [
            (template.code, template.title(language)) for template in selectors.reply_templates_active()
        ],
    }
    return render(request, "helpline/reply.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    months, years = selectors.figures_periods(acting=_acting(request))
    return render(request, "helpline/figures.html", {"months": months, "years": years})


@login_required
@require_GET
def figures_download(request: HttpRequest, period: str) -> HttpResponse:
    chosen = Period.parse(period)
    if chosen is None:
        raise Http404
    text = selectors.figures_export(acting=_acting(request), period=chosen)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="helpline-figures-{chosen}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """The triage rules, and a box to see which words of a sample text raise which signal."""
    acting = _acting(request)
    listed = selectors.triage_rules_for_manage(acting=acting)
    sample = request.POST.get("sample", "")[:5000] if request.method == "POST" else ""
    flags: list[Flag] | None = signals_in(sample, selectors.triage_rules_current()[1]) if sample else None
    return render(request, "helpline/rules.html", {"rules": listed, "sample": sample, "flags": flags})


def _rule_page(
    request: HttpRequest, acting: Membership, form: TriageRuleForm, rule: TriageRule | None, **extra: object
) -> HttpResponse:
    context = {
        "form": form,
        "rule": rule,
        "history": selectors.triage_rule_history(acting=acting, rule=rule) if rule else [],
        **extra,
    }
    return render(request, "helpline/rule_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or change a rule; "Test" runs the words as typed on the sample without saving them."""
    acting = _acting(request)
    require(acting, HelplinePerm.RULES_MANAGE)
    rule = selectors.triage_rule_get(acting=acting, pk=pk) if pk is not None else None
    initial = (
        {
            "signal": rule.signal,
            "language": rule.language,
            "phrases": "\n".join(rule.phrases),
            "is_active": rule.is_active,
            "version": rule.version,
        }
        if rule
        else {}
    )
    form = TriageRuleForm(request.POST or None, initial=initial)
    if request.method != "POST" or not form.is_valid():
        return _rule_page(request, acting, form, rule)
    data = services.TriageRuleInput(
        signal=form.cleaned_data["signal"],
        language=form.cleaned_data["language"],
        phrases=form.phrase_list(),
        is_active=form.cleaned_data["is_active"],
        note=form.cleaned_data["note"],
    )
    if request.POST.get("action") == "test":
        spec = RuleSpec(signal=Signal(data.signal), language=data.language, phrases=tuple(data.phrases))
        flags = signals_in(form.cleaned_data["sample"], compile_rules([spec]))
        return _rule_page(request, acting, form, rule, flags=flags, tested=True)
    try:
        if rule is None:
            saved = services.triage_rule_create(acting=acting, data=data)
        else:
            saved = services.triage_rule_update(
                acting=acting, rule=rule, data=data, version=form.cleaned_data["version"] or 0
            )
    except ApplicationError as error:
        form.add_error(None, str(error.message))
        return _rule_page(request, acting, form, rule)
    messages.success(request, _("The rule is saved (version %(version)s).") % {"version": saved.version})
    return redirect("helpline:rule_edit", pk=saved.pk)


@login_required
@require_GET
def replies(request: HttpRequest) -> HttpResponse:
    acting = _acting(request)
    language = (get_language() or "en")[:2]
    listed = [
        (template, template.title(language))
        for template in selectors.reply_templates_for_manage(acting=acting)
    ]
    return render(request, "helpline/replies.html", {"templates": listed})


@login_required
@require_http_methods(["GET", "POST"])
def reply_template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    acting = _acting(request)
    require(acting, HelplinePerm.RULES_MANAGE)
    template: ReplyTemplate | None = (
        selectors.reply_template_get(acting=acting, pk=pk) if pk is not None else None
    )
    initial: dict[str, object] = {}
    if template is not None:
        initial = {
            "code": template.code,
            "position": template.position,
            "is_active": template.is_active,
            "version": template.version,
        }
        for code in LANGUAGES:
            initial[f"title_{code}"] = getattr(template, f"title_{code}")
            initial[f"body_{code}"] = getattr(template, f"body_{code}")
    form = ReplyTemplateForm(request.POST or None, initial=initial, editing=template is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = services.ReplyTemplateInput(
            code=template.code if template else data["code"],
            titles={code: data[f"title_{code}"] for code in LANGUAGES},
            bodies={code: data[f"body_{code}"] for code in LANGUAGES},
            position=data["position"],
            is_active=data["is_active"],
        )
        try:
            if template is None:
                saved = services.reply_template_create(acting=acting, data=entry)
            else:
                saved = services.reply_template_update(
                    acting=acting, template=template, data=entry, version=data["version"] or 0
                )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request, _("The saved reply is saved (version %(version)s).") % {"version": saved.version}
            )
            return redirect("helpline:reply_template_edit", pk=saved.pk)
    context = {
        "form": form,
        "template": template,
        "history": selectors.reply_template_history(acting=acting, template=template) if template else [],
    }
    return render(request, "helpline/reply_template_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contact_case_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a case from a contact, prefilled with what the contact knows; the two stay linked."""
    acting = _acting(request)
    if not may(acting, CasePerm.CASE_OPEN):
        raise PermissionDenied
    contact = selectors.contact_get(acting=acting, pk=pk)
    if contact.case_id is not None:
        messages.info(request, _("A case is already open from this contact."))
        return redirect("helpline:contact_detail", pk=contact.pk)
    areas = areas_for_cases(country=acting.agency.country)
    form = CaseFromContactForm(request.POST or None, areas=areas, initial=case_initial_from_contact(contact))
    duplicates: list[object] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.contact_case_open(
                acting=acting,
                contact=contact,
                data=services.CaseFromContact(
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
            duplicates = list(error.extra.get("duplicates", []))  # type: ignore[call-overload]
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


@login_required
@require_POST
def contact_hotline(request: HttpRequest, pk: int) -> HttpResponse:
    """Report the web addresses a caller gave to the hotline, linked to the contact."""
    acting = _acting(request)
    contact = selectors.contact_get(acting=acting, pk=pk)
    form = HotlineAddressesForm(request.POST)
    if form.is_valid():
        try:
            results = services.contact_addresses_report(
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
    return _contact_detail_page(request, acting, contact, addresses_form=form, failed=True)
