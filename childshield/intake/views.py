"""Public pages (the home page, the report, the reply thread, advice) and the helpline's minimal list of
reports.

The public forms set no cookie and need no session. They are exempt from Django's cookie-based
CSRF check on purpose: nothing they do acts for a signed-in person, so a forged post could do no
more than its author could do directly, while the cookie would shut out children whose browsers
block cookies and would throw away a report typed on a page left open too long. Posts from another
site are still refused by their Origin header; signed one-time form tokens stop double submissions
and tell an expired form apart.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.permissions import may
from childshield.accounts.related import related_for
from childshield.core import rate_limits as counting
from childshield.core.errors import ApplicationError
from childshield.core.public import public_page, same_site_posts
from childshield.intake import hooks, rate_limits, selectors, services
from childshield.intake.forms import (
    BlockImageForm,
    ChatStartForm,
    ReporterMessageForm,
    ReportForm,
    StaffReplyForm,
    ThreadOpenForm,
    platform_from_link,
    source_from_link,
    url_from_link,
)
from childshield.intake.models import Channel, Report, ReportStatus, Screening
from childshield.intake.permissions import IntakePerm
from childshield.intake.tokens import (
    TokenState,
    form_token_check,
    form_token_issue,
    thread_token_issue,
    thread_token_reference,
)
from childshield.places.models import Area
from childshield.places.selectors import provinces_by_name


def _provinces() -> QuerySet[Area]:
    """Today's provinces, in the alphabetical order of the page's language (a child looks for a name)."""
    return provinces_by_name(country=settings.CHILDSHIELD_COUNTRY, language=get_language() or "en")


def _with_fresh_token(data: QueryDict) -> QueryDict:
    fresh = data.copy()
    fresh["form_token"] = form_token_issue()
    return fresh


@public_page
@csrf_exempt
@same_site_posts
@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    return _report_page(request, link_from=request.GET.get("from", ""), link_url=request.GET.get("url", ""))


@public_page
@csrf_exempt
@same_site_posts
@never_cache
@require_http_methods(["GET", "POST"])
def report_short_link(request: HttpRequest, code: str) -> HttpResponse:
    """The report form at a poster's short address (`/<language>/s/<code>/`, its QR code): the same form
    as `?from=<code>`, posted back to this address, so the browser's history holds a short code and
    never the word "report" (what the child did stays out of the history; the code, printed on a
    public poster, is a random one that names no school)."""
    return _report_page(request, link_from=code, link_url="", action=request.path)


def _report_page(request: HttpRequest, *, link_from: str, link_url: str, action: str = "") -> HttpResponse:
    provinces = _provinces()
    notice = ""
    if request.method == "GET":
        initial = {
            "form_token": form_token_issue(),
            "platform": platform_from_link(link_from),
            "source": source_from_link(link_from),
            "url1": url_from_link(link_url),
        }
        form = ReportForm(initial=initial, provinces=provinces)
        return render(request, "intake/report.html", {"form": form, "action": action})

    token = form_token_check(request.POST.get("form_token", ""))
    form = ReportForm(request.POST, provinces=provinces)
    client = rate_limits.client_key(request)
    if token.state is not TokenState.FRESH:
        form = ReportForm(_with_fresh_token(request.POST), provinces=provinces)
        form.is_valid()
        notice = _(
            "This page was open for a long time, so we could not send it yet. "
            "Everything you wrote is still here: check it and press “Send my report” again."
        )
    elif not form.is_valid():
        notice = _("Almost done! Please look at the parts marked below. Everything you wrote is still here.")
    elif (screening := _screening_for(client, honeypot=form.is_honeypot_filled)) is None:
        notice = _(
            "Very many reports were sent from this place in the last hour, so we cannot take this one "
            "right now. Please try again later, or call the helpline now. What you wrote is still here."
        )
    else:
        receipt = services.report_submit(
            content=form.content(),
            idempotency_key=token.key,
            screening=screening,
            language=get_language() or "",
        )
        # The receipt holds the thread too: a child who stays on the page chats from it.
        return render(request, "intake/report_sent.html", _receipt_context(receipt))
    return render(request, "intake/report.html", {"form": form, "notice": notice, "action": action})


@public_page
@csrf_exempt
@same_site_posts
@never_cache
@require_http_methods(["GET", "POST"])
def chat(request: HttpRequest) -> HttpResponse:
    """The web chat: a first message and whether the child is safe, and the chat opens on the next page
    (with the code and secret number to come back); out of hours, when someone will answer."""
    hours = hooks.chat_hours()
    if request.method == "GET":
        form = ChatStartForm(initial={"form_token": form_token_issue()})
        return render(request, "intake/chat.html", {"form": form, "hours": hours})
    token = form_token_check(request.POST.get("form_token", ""))
    form = ChatStartForm(request.POST)
    notice = ""
    if token.state is not TokenState.FRESH:
        form = ChatStartForm(_with_fresh_token(request.POST))
        form.is_valid()
        notice = _(
            "This page was open for a long time. Your message is still here: press “Start the chat” again."
        )
    elif not form.is_valid():
        notice = _("Please look at the parts marked below. What you wrote is still here.")
    elif (
        screening := _screening_for(rate_limits.client_key(request), honeypot=form.is_honeypot_filled)
    ) is None:
        notice = _(
            "Very many messages were sent from this place in the last hour, so we cannot start this chat "
            "right now. Please try again later, or call the helpline now. What you wrote is still here."
        )
    else:
        receipt = services.report_submit(
            content=form.content(),
            idempotency_key=token.key,
            screening=screening,
            channel=Channel.CHAT,
            language=get_language() or "",
        )
        return render(request, "intake/chat_started.html", {**_receipt_context(receipt), "hours": hours})
    return render(request, "intake/chat.html", {"form": form, "notice": notice, "hours": hours})


def _receipt_context(receipt: services.ReportReceipt) -> dict[str, object]:
    """A new report's code and secret number, and its thread to chat in from the same page."""
    return {
        "receipt": receipt,
        "report": receipt.report,
        "form": _thread_form(receipt.report),
        "thread": selectors.report_thread(report=receipt.report),
        "poll_seconds": _poll_seconds(receipt.report),
        "welcome": True,
    }


def _screening_for(client: str, *, honeypot: bool) -> Screening | None:
    """Count one more report from this place: the lane it waits in, or None past the hard limit.

    Counted before anything is decided, so that a burst of parallel reports cannot all pass it.
    """
    if counting.hit(rate_limits.REPORTS_HARD, client) > rate_limits.REPORTS_HARD.allowed:
        return None
    in_burst = counting.hit(rate_limits.REPORTS_SOFT, client) > rate_limits.REPORTS_SOFT.allowed
    if honeypot:
        return Screening.AUTOMATED
    return Screening.FLOOD if in_burst else Screening.CLEAR


def _thread_form(report: Report, *, pending: str = "") -> ReporterMessageForm:
    """An empty message form for the reporter's thread, with its signed thread token."""
    return ReporterMessageForm(
        initial={
            "body": pending,
            "thread_token": thread_token_issue(reference=report.reference),
            "form_token": form_token_issue(),
        }
    )


def _thread_page(
    request: HttpRequest,
    report: Report,
    *,
    form: ReporterMessageForm | None = None,
    pending: str = "",
    sent: bool = False,
    notice: str = "",
) -> HttpResponse:
    if form is None:
        form = _thread_form(report, pending=pending)
    context = {
        "report": report,
        "thread": selectors.report_thread(report=report),
        "form": form,
        "sent": sent,
        "notice": notice,
        "poll_seconds": _poll_seconds(report),
        "welcome": True,
        # A web chat's thread says, out of hours, when someone will answer.
        "hours": hooks.chat_hours() if report.channel == Channel.CHAT else None,
        # A request to block pictures says what became of each one, and what apps said of it.
        "pictures": selectors.blocked_pictures_for_reporter(report=report),
    }
    return render(request, "intake/thread.html", context)


@public_page
@csrf_exempt
@same_site_posts
@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "intake/status.html", {"form": ThreadOpenForm()})
    form = ThreadOpenForm(request.POST)
    if form.is_valid():
        try:
            report = services.report_open(
                reference=form.cleaned_data["reference"],
                passphrase=form.cleaned_data["passphrase"],
                client=rate_limits.client_key(request),
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            return _thread_page(request, report, pending=form.cleaned_data.get("pending", ""))
    return render(request, "intake/status.html", {"form": form}, status=200)


@public_page
@csrf_exempt
@same_site_posts
@never_cache
@require_POST
def reply(request: HttpRequest) -> HttpResponse:
    form = ReporterMessageForm(request.POST)
    reference = thread_token_reference(request.POST.get("thread_token", ""))
    report = selectors.report_get_by_reference(reference=reference) if reference else None
    if report is None:
        # The page was open too long: ask for the code again, and carry the message across.
        reopen = ThreadOpenForm(initial={"pending": request.POST.get("body", "")})
        notice = _(
            "To keep your messages safe, this page closes after a while. Write your code and secret "
            "number again. Your message is kept and will be waiting for you."
        )
        return render(request, "intake/status.html", {"form": reopen, "notice": notice})
    if not form.is_valid():
        return _thread_page(request, report, form=form)
    token = form_token_check(form.cleaned_data.get("form_token", ""))
    try:
        services.report_message_from_reporter(
            report=report,
            body=form.cleaned_data["body"],
            idempotency_key=token.key or None,
            client=rate_limits.client_key(request),
        )
    except ApplicationError as error:
        form.add_error("body", str(error.message))
        return _thread_page(request, report, form=form)
    return _thread_page(request, report, sent=True)


@public_page
@csrf_exempt
@same_site_posts
@never_cache
@require_POST
def thread_updates(request: HttpRequest) -> HttpResponse:
    """The messages of a thread after the last one the page shows (`after`, its id), for the page's
    script to show new replies without reloading: none is "204 No Content". `X-Poll-Seconds` says
    when to ask again: every `INTAKE_CHAT_POLL_SECONDS` while someone holds the report (a live chat),
    else every `INTAKE_POLL_SECONDS`."""
    reference = thread_token_reference(request.POST.get("thread_token", ""))
    report = selectors.report_get_by_reference(reference=reference) if reference else None
    if report is None:
        return HttpResponse(status=403)
    after = selectors.message_id(request.POST.get("after", ""))
    thread = selectors.report_thread(report=report, after=after or 0)
    if after is not None and not thread:
        response = HttpResponse(status=204)
    else:
        response = render(
            request,
            "intake/_thread_messages.html",
            {"report": report, "thread": thread, "welcome": after is None},
        )
    response["X-Poll-Seconds"] = str(_poll_seconds(report))
    return response


def _poll_seconds(report: Report) -> int:
    """How often the reporter's page asks for new messages: every few seconds while someone holds the
    report (a live chat) or while a web chat is open (its child waits on the page for the first
    answer), else now and then."""
    live = report.status != ReportStatus.CLOSED and (
        report.channel == Channel.CHAT or hooks.report_held(report=report)
    )
    return settings.INTAKE_CHAT_POLL_SECONDS if live else settings.INTAKE_POLL_SECONDS


def _block_image_page(request: HttpRequest, form: BlockImageForm, *, notice: str = "") -> HttpResponse:
    context = {"form": form, "notice": notice, "max_files": services.BLOCK_IMAGE_MAX_FILES}
    return render(request, "intake/block_image.html", context)


@public_page
@csrf_exempt
@same_site_posts
@never_cache
@require_http_methods(["GET", "POST"])
def block_image(request: HttpRequest) -> HttpResponse:
    """Block a picture by its hashes: the page's script makes them on the phone and sends only them."""
    if request.method == "GET":
        form = BlockImageForm(initial={"form_token": form_token_issue()})
        return _block_image_page(request, form)
    token = form_token_check(request.POST.get("form_token", ""))
    form = BlockImageForm(request.POST)
    client = rate_limits.client_key(request)
    notice = ""
    if token.state is not TokenState.FRESH:
        form = BlockImageForm(_with_fresh_token(request.POST))
        form.is_valid()
        notice = _(
            "This page was open for a long time, so we could not send it yet. "
            "Check it and press “Send the picture codes” again."
        )
    elif not form.is_valid():
        notice = _("Almost done! Please look at the parts marked below.")
    elif (screening := _screening_for(client, honeypot=False)) is None:
        notice = _(
            "Very many reports were sent from this place in the last hour, so we cannot take this one "
            "right now. Please try again later, or call the helpline now."
        )
    else:
        try:
            receipt = services.blocked_images_submit(
                content=form.content(),
                files=form.file_hashes(),
                idempotency_key=token.key,
                screening=screening,
                language=get_language() or "",
            )
        except ApplicationError as error:
            notice = str(error.message)
        else:
            context = {
                "receipt": receipt,
                "report": receipt.report,
                "files": len(form.file_hashes()),
                "shared_at_once": selectors.blocked_images_shared(report=receipt.report),
            }
            return render(request, "intake/block_image_sent.html", context)
    if "hashes" in form.errors:
        # The codes cannot be used: the child picks the pictures again.
        data = request.POST.copy()
        data["form_token"] = str(form.data.get("form_token", ""))
        data["hashes"] = ""
        form = BlockImageForm(data)
        form.is_valid()
    return _block_image_page(request, form, notice=notice)


@staff_view(IntakePerm.BLOCKED_IMAGES_REVIEW)
@require_http_methods(["GET", "POST"])
def blocked_image_review(request: StaffRequest) -> HttpResponse:
    """Hotline analysts decide which children's hashes go into the self-submitted bank."""
    acting = request.membership
    if request.method == "POST":
        try:
            report_id, file_number = (int(part) for part in request.POST.get("file", "").split("-", 1))
        except ValueError:
            raise Http404 from None
        images = selectors.blocked_file_get_for_review(
            acting=acting, report_id=report_id, file_number=file_number
        )
        decision = request.POST.get("decision")
        if decision not in {"accept", "reject"}:
            return HttpResponseBadRequest()
        accept = decision == "accept"
        try:
            services.blocked_images_decide(acting=acting, images=images, accept=accept)
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("The hashes are in the self-submitted bank.")
                if accept
                else _("The hashes will not be shared."),
            )
        return redirect("intake:blocked_image_review")
    context = {
        "files": selectors.blocked_files_waiting(acting=acting),
        "decided": selectors.blocked_images_decided(acting=acting),
        "policy": selectors.self_submitted_policy_for(agency=acting.agency),
        "may_set_policy": may(acting, IntakePerm.SELF_SUBMITTED_POLICY_SET),
    }
    return render(request, "intake/blocked_image_review.html", context)


@staff_view(IntakePerm.SELF_SUBMITTED_POLICY_SET)
@require_POST
def self_submitted_policy(request: StaffRequest) -> HttpResponse:
    share_at_once = request.POST.get("share_at_once") == "yes"
    services.self_submitted_policy_set(acting=request.membership, share_at_once=share_at_once)
    messages.success(
        request,
        _("Children's hashes now go to platforms at once.")
        if share_at_once
        else _("Children's hashes now wait for an analyst's review."),
    )
    return redirect("intake:blocked_image_review")


@public_page
def public_home(request: HttpRequest) -> HttpResponse:
    """Where a child starts: helpline numbers, telling what happened, reading the answer, blocking a
    picture, advice."""
    return render(request, "intake/public_home.html")


@public_page
@require_GET
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Leave for a neutral site, telling the browser to drop what it holds of this one first.

    Every public page's "leave" control comes here, with or without JavaScript (the script only
    replaces the page in the history on top). `no-store` on the thread is not enough: a browser
    may still keep the thread, the answer to a POST, for its Back button. `Clear-Site-Data:
    "cache"` makes it drop this site's HTTP cache (where chromium keeps a POST's answer for Back)
    and the pages of this site in its back-forward cache (the status page, say, with what was
    typed into it), so Back after leaving cannot show the conversation again. The page left from
    enters the back-forward cache only after this answer, so it is not dropped: chromium never
    keeps a POST's answer there, and the script replaces it in the history.

    Not "cookies": a reporter's access to the thread lives in the page itself (the code and
    passphrase typed each time, then a signed token in the form), never in a session or cookie,
    so there is none to clear, and clearing them would sign out a counsellor using the same
    device. Browsers honour the header only over HTTPS (or on localhost). Nothing is written and
    nothing is read: no audit, no session, no cookie; and the address carries nothing about the
    visitor or the page they left.
    """
    response = HttpResponseRedirect(settings.QUICK_EXIT_URL)
    response.status_code = 303
    response["Clear-Site-Data"] = '"cache"'
    response["Cache-Control"] = "no-store"
    # The neutral site is not told where the child came from (SecurityMiddleware keeps this one).
    response["Referrer-Policy"] = "no-referrer"
    return response


def _advice_moved(slug: str | None) -> HttpResponse:
    # The advice moved to the library above intake; its old addresses stay, moved for good.
    address = hooks.advice_address(slug=slug)
    if address is None:
        raise Http404
    return HttpResponsePermanentRedirect(address)


@public_page
@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    """The old advice index: moved for good to the library's."""
    return _advice_moved(None)


@public_page
@require_GET
def help_page(request: HttpRequest, slug: str) -> HttpResponse:
    """An old advice page: moved for good to the library's article of the same slug."""
    return _advice_moved(slug)


@staff_view(IntakePerm.REPORT_LIST)
def report_list(request: StaffRequest) -> HttpResponse:
    paginator = Paginator(selectors.reports_waiting(acting=request.membership), 50)
    reports_page = paginator.get_page(request.GET.get("page"))
    return render(request, "intake/report_list.html", {"reports": reports_page})


@staff_view(IntakePerm.REPORT_VIEW)
@require_http_methods(["GET", "POST"])
def report_detail(request: StaffRequest, reference: str) -> HttpResponse:
    acting = request.membership
    report = selectors.report_get_for_staff(acting=acting, reference=reference)
    form = StaffReplyForm(request.POST or None, initial={"form_token": form_token_issue()})
    if request.method == "POST" and form.is_valid():
        token = form_token_check(form.cleaned_data.get("form_token", ""))
        try:
            services.report_message_from_staff(
                acting=acting,
                report=report,
                body=form.cleaned_data["body"],
                idempotency_key=token.key or None,
            )
        except ApplicationError as error:
            form.add_error("body", str(error.message))
        else:
            messages.success(request, _("Your reply is in the thread. The reporter sees it with their code."))
            return redirect("intake:report_detail", reference=report.reference)
    context = {
        "report": report,
        "thread": selectors.report_thread(report=report),
        "form": form,
        "blocked_files": selectors.blocked_files_by_state(report=report),
        # What the report led to: helpline contacts, a case, hotline items (each app decides what shows).
        "related_links": related_for(report, acting),
    }
    return render(request, "intake/report_detail.html", context)
