"""The queue of waiting reports: reading it, claiming, releasing and handing over an item, answering it."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.models import Membership
from childshield.accounts.permissions import may
from childshield.cases.permissions import CasePerm
from childshield.core.choices import WritingLanguage
from childshield.core.errors import ApplicationError
from childshield.helpline import queue as queue_reads
from childshield.helpline import selectors
from childshield.helpline.forms import HandOverForm, ReplyForm
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.services import chats as chat_services
from childshield.helpline.services import queue as queue_services
from childshield.intake import selectors as intake_selectors
from childshield.intake.models import Channel
from childshield.intake.permissions import IntakePerm
from childshield.messaging.permissions import MessagingPerm


def _page_asked(request: StaffRequest) -> int:
    try:
        return int(request.GET.get("page", "1"))
    except ValueError:
        return 1


def _filters_asked(request: StaffRequest) -> queue_reads.QueueFilter:
    return queue_reads.QueueFilter.of(
        language=request.GET.get("language", ""), channel=request.GET.get("channel", "")
    )


def _queue_context(acting: Membership, *, page: int, filters: queue_reads.QueueFilter) -> dict[str, object]:
    return {
        "page": queue_reads.queue_page(acting=acting, page=page, filters=filters),
        "language_choices": WritingLanguage.choices,
        "channel_choices": Channel.choices,
        "alert_minutes": settings.HELPLINE_URGENT_ALERT_MINUTES,
        "acting": acting,
        "poll_seconds": settings.HELPLINE_QUEUE_POLL_SECONDS,
        "colleagues": list(selectors.colleagues_on_queue(acting=acting)),
        "may_reassign": may(acting, HelplinePerm.QUEUE_REASSIGN),
        "may_manage_rules": may(acting, HelplinePerm.RULES_MANAGE),
        "may_view_reports": may(acting, IntakePerm.REPORT_VIEW),
        "now": timezone.now(),
    }


@staff_view(HelplinePerm.QUEUE_VIEW)
@require_GET
def queue(request: StaffRequest) -> HttpResponse:
    context = _queue_context(request.membership, page=_page_asked(request), filters=_filters_asked(request))
    return render(request, "helpline/queue.html", context)


@staff_view(HelplinePerm.QUEUE_VIEW)
@require_GET
def queue_rows(request: StaffRequest) -> HttpResponse:
    """The queue's body alone, asked for by HTMX every few seconds with the version it shows.

    Nothing changed answers 204 No Content, which HTMX leaves in place, so a steady queue costs a
    few small reads and no page (the rows count their waiting minutes on by themselves).
    """
    acting = request.membership
    page = _page_asked(request)
    filters = _filters_asked(request)
    seen = request.GET.get("seen")
    if seen and seen == queue_reads.queue_page_version(acting=acting, page=page, filters=filters):
        return HttpResponse(status=204)
    return render(request, "helpline/_queue_rows.html", _queue_context(acting, page=page, filters=filters))


@staff_view(HelplinePerm.QUEUE_CLAIM)
@require_POST
def queue_claim(request: StaffRequest, reference: str) -> HttpResponse:
    acting = request.membership
    report = selectors.queue_report(acting=acting, reference=reference)
    try:
        queue_services.queue_claim(acting=acting, report=report)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("helpline:queue")
    messages.success(request, _("Report %(code)s is yours now.") % {"code": report.display_reference})
    return redirect("helpline:queue_reply", reference=report.reference)


@staff_view(HelplinePerm.QUEUE_CLAIM)
@require_POST
def queue_release(request: StaffRequest, reference: str) -> HttpResponse:
    acting = request.membership
    report = selectors.queue_report(acting=acting, reference=reference)
    try:
        queue_services.queue_release(acting=acting, report=report)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Report %(code)s is back in the queue.") % {"code": report.display_reference}
        )
    return redirect("helpline:queue")


@staff_view(HelplinePerm.QUEUE_CLAIM)
@require_POST
def queue_hand_over(request: StaffRequest, reference: str) -> HttpResponse:
    acting = request.membership
    report = selectors.queue_report(acting=acting, reference=reference)
    form = HandOverForm(request.POST, colleagues=selectors.colleagues_on_queue(acting=acting))
    if not form.is_valid():
        messages.error(request, _("Choose a colleague to hand the report to."))
        return redirect("helpline:queue")
    try:
        queue_services.queue_hand_over(acting=acting, report=report, to=form.cleaned_data["to"])
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Report %(code)s is now with %(name)s.")
            % {"code": report.display_reference, "name": form.cleaned_data["to"].user.full_name},
        )
    return redirect("helpline:queue")


@staff_view(HelplinePerm.QUEUE_CLAIM)
@require_GET
def queue_reply_thread(request: StaffRequest, reference: str) -> HttpResponse:
    """The thread's messages after the last the reply page shows (`after`, its id), asked for every
    `INTAKE_CHAT_POLL_SECONDS`: a live chat. None new is "204 No Content" (and audits nothing);
    without `after`, the whole thread."""
    after = intake_selectors.message_id(request.GET.get("after", ""))
    messages_after = selectors.report_messages_after(
        acting=request.membership, reference=reference, after=after or 0
    )
    if not messages_after and after is not None:
        return HttpResponse(status=204)
    context = {"thread": messages_after, "more": True, "reference": reference}
    return render(request, "helpline/_thread_items.html", context)


@staff_view(HelplinePerm.QUEUE_CLAIM)
@require_http_methods(["GET", "POST"])
def queue_reply(request: StaffRequest, reference: str) -> HttpResponse:
    """Answer a report from the queue, starting from a saved template in the reporter's language."""
    acting = request.membership
    report, thread = selectors.report_for_reply(acting=acting, reference=reference)
    flags = selectors.report_triage_flags(acting=acting, report=report)
    language = report.language or get_language() or "en"
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                queue_services.queue_reply(
                    acting=acting,
                    report=report,
                    body=form.cleaned_data["body"],
                    once=form.cleaned_data["once"],
                )
            except ApplicationError as error:
                form.add_error("body", str(error.message))
            else:
                chat = selectors.chat_info(report=report)
                messages.success(
                    request,
                    _("Your reply is in the thread and is being sent through %(channel)s.")
                    % {"channel": chat.channel_name}
                    if chat is not None and chat.on_chat_app
                    else _("Your reply is in the thread. The reporter sees it with their code."),
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
        "poll_seconds": settings.INTAKE_CHAT_POLL_SECONDS,
        "chat": selectors.chat_info(report=report),
        "reference": report.reference,
        "may_block": may(acting, MessagingPerm.SENDER_BLOCK),
    }
    return render(request, "helpline/reply.html", context, status=400 if form.errors else 200)


@staff_view(HelplinePerm.QUEUE_CLAIM)
@require_POST
def queue_chat_close(request: StaffRequest, reference: str) -> HttpResponse:
    """Close a chat: the child is told how to come back, and the counsellor's place is free."""
    acting = request.membership
    report = selectors.queue_report(acting=acting, reference=reference)
    try:
        chat_services.chat_close(acting=acting, report=report)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("helpline:queue_reply", reference=report.reference)
    messages.success(request, _("The chat %(code)s is closed.") % {"code": report.display_reference})
    return redirect("helpline:queue")


@staff_view(HelplinePerm.QUEUE_CLAIM)
@require_POST
def queue_picture_pass(request: StaffRequest, reference: str, message_id: int) -> HttpResponse:
    """Pass a picture the child sent in a chat to the hotline, which keeps it encrypted and assesses it."""
    acting = request.membership
    report = selectors.queue_report(acting=acting, reference=reference)
    try:
        chat_services.chat_picture_pass(acting=acting, report=report, message_id=message_id)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The picture is with the hotline now. It is kept encrypted and assessed there.")
        )
    return redirect("helpline:queue_reply", reference=report.reference)


@staff_view(MessagingPerm.SENDER_BLOCK)
@require_POST
def queue_chat_block(request: StaffRequest, reference: str) -> HttpResponse:
    """Block an abusive sender on a chat app (a supervisor); their messages no longer reach the queue."""
    acting = request.membership
    report = selectors.queue_report(acting=acting, reference=reference)
    try:
        chat_services.chat_sender_block(acting=acting, report=report, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("helpline:queue_reply", reference=report.reference)
    messages.success(request, _("The sender is blocked and the chat is closed."))
    return redirect("helpline:queue")
