"""Pages for signing in, two-factor authentication, one's own account, choosing an agency, and managing
members."""

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import user_has_device
from django_otp.middleware import is_verified

from childshield.accounts import invitations, member_import, recovery, selectors, services
from childshield.accounts.acting import StaffRequest, acting_membership, staff_view
from childshield.accounts.forms import (
    LanguagesForm,
    MemberImportForm,
    MembershipCreateForm,
    QueuedPasswordResetForm,
    RecoveryCodeForm,
    SignInForm,
    TokenForm,
    TwoFactorResetForm,
)
from childshield.accounts.models import Role, User
from childshield.accounts.permissions import Perm, Scope, may, perm_scope, roles_grantable
from childshield.accounts.related import related_for
from childshield.accounts.roles import ROLE_DESCRIPTIONS
from childshield.audit.models import AuditAction
from childshield.audit.selectors import audit_events_visible
from childshield.core.errors import ApplicationError


def _signed_in(request: HttpRequest) -> User:
    """The person of a @login_required page (signed in, perhaps acting for no agency yet)."""
    user = request.user
    assert isinstance(user, User)
    return user


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("accounts:home")


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.user_sign_in(
            request=request, email=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if result.error == "locked_out":
            return render(request, "accounts/locked_out.html", status=429)
        if result.user is not None:
            return redirect(_next_url(request))
        form.add_error(None, result.error)
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": _next_url(request), "two_factor_required": settings.REQUIRE_TWO_FACTOR},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.user_sign_out(request=request)
    messages.success(request, _("You are signed out."))
    return redirect("accounts:sign_in")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    if not user_has_device(user):
        return redirect("accounts:two_factor_setup")
    # One page, two forms: the code from the authenticator, or (no phone at hand) a recovery code.
    with_recovery_code = "recovery_code" in request.POST
    form = TokenForm(None if with_recovery_code else request.POST or None)
    recovery_form = RecoveryCodeForm(request.POST if with_recovery_code else None)
    if with_recovery_code and recovery_form.is_valid():
        refusal = services.two_factor_recovery_verify(
            request=request, user=user, code=recovery_form.cleaned_data["recovery_code"]
        )
        if not refusal:
            left = selectors.recovery_codes_left(user=user)
            messages.warning(
                request,
                ngettext(
                    "You signed in with a recovery code; %(count)d is left. Lost your phone? "
                    "Set up two-factor on a new one, and make new codes, on your account's security page.",
                    "You signed in with a recovery code; %(count)d are left. Lost your phone? "
                    "Set up two-factor on a new one, and make new codes, on your account's security page.",
                    left,
                )
                % {"count": left},
            )
            return redirect(_next_url(request))
        recovery_form.add_error("recovery_code", refusal)
    elif request.method == "POST" and not with_recovery_code and form.is_valid():
        refusal = services.two_factor_verify(request=request, user=user, token=form.cleaned_data["token"])
        if not refusal:
            return redirect(_next_url(request))
        form.add_error("token", refusal)
    context = {
        "form": form,
        "recovery_form": recovery_form,
        "recovery_codes_left": selectors.recovery_codes_left(user=user),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_verify.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    # Replacing an authenticator needs the current one first, or a stolen password would be enough.
    if user_has_device(user) and not is_verified(user):
        return redirect("accounts:two_factor_verify")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refusal = services.two_factor_device_confirm(
            request=request, user=user, token=form.cleaned_data["token"]
        )
        if not refusal:
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("accounts:recovery_codes")
        form.add_error("token", refusal)
    key = services.two_factor_key_pending(request=request)
    device = services.two_factor_device_unsaved(user=user, key=key)
    qr = segno.make(device.config_url, error="m")
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    context: dict[str, Any] = {
        "form": form,
        "qr_data_uri": qr.svg_data_uri(scale=5, dark="#111", light="#fff"),
        "secret_groups": [secret_b32[i : i + 4] for i in range(0, len(secret_b32), 4)],
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_POST
def acting_for_switch(request: HttpRequest) -> HttpResponse:
    try:
        membership = services.membership_switch(
            request=request,
            user=_signed_in(request),
            membership_id=int(request.POST.get("membership", "0") or 0),
        )
    except (ApplicationError, ValueError):
        messages.error(request, _("You cannot act for that agency."))
    else:
        messages.success(request, _("You now act for %(agency)s.") % {"agency": membership.agency.name})
    return redirect(_next_url(request))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    description = ROLE_DESCRIPTIONS.get(Role(membership.role)) if membership else None
    return render(request, "accounts/home.html", {"role_description": description})


def _security_page(request: HttpRequest, languages_form: LanguagesForm, *, status: int = 200) -> HttpResponse:
    user = _signed_in(request)
    context = {
        "has_device": user_has_device(user),
        "recovery_codes_left": selectors.recovery_codes_left(user=user),
        "languages_form": languages_form,
    }
    return render(request, "accounts/security.html", context, status=status)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The person's own account: two-factor, password, and the languages they write in."""
    return _security_page(request, LanguagesForm(initial={"languages": _signed_in(request).languages}))


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The person's recovery codes: new ones shown once, right after they are made; otherwise how
    many are left, and a button to make new ones."""
    user = _signed_in(request)
    if request.method == "POST":
        try:
            recovery.recovery_codes_replace(request=request, user=user)
        except ApplicationError as error:
            messages.error(request, str(error.message))
        return redirect("accounts:recovery_codes")
    context = {
        "codes": recovery.recovery_codes_fresh(request=request),
        "codes_left": selectors.recovery_codes_left(user=user),
        "has_authenticator": selectors.authenticator_confirmed(user=user),
    }
    return render(request, "accounts/recovery_codes.html", context)


@login_required
@require_POST
def languages(request: HttpRequest) -> HttpResponse:
    form = LanguagesForm(request.POST)
    if not form.is_valid():
        return _security_page(request, form, status=400)
    services.user_languages_set(user=_signed_in(request), languages=form.cleaned_data["languages"])
    messages.success(request, _("Your languages are saved."))
    return redirect("accounts:security")


@staff_view(Perm.MEMBERS_MANAGE)
@require_http_methods(["GET", "POST"])
def members(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    agencies = selectors.agencies_for_member_management(acting=acting)
    form = MembershipCreateForm(request.POST or None, agencies=agencies, roles=roles_grantable(acting))
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_create(acting=acting, request=request, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("%(email)s is now %(role)s at %(agency)s.")
                % {
                    "email": membership.user.email,
                    "role": membership.get_role_display(),
                    "agency": membership.agency.name,
                },
            )
            return redirect("accounts:members")
    return render(
        request,
        "accounts/members.html",
        {"form": form, "memberships": selectors.memberships_for_management(acting=acting)},
    )


@staff_view(Perm.MEMBERS_MANAGE)
@require_POST
def member_deactivate(request: StaffRequest, membership_id: int) -> HttpResponse:
    acting = request.membership
    membership = get_object_or_404(selectors.memberships_for_management(acting=acting), pk=membership_id)
    try:
        services.membership_deactivate(acting=acting, membership=membership)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The role was removed."))
    return HttpResponseRedirect(reverse("accounts:members"))


@staff_view(Perm.MEMBERS_MANAGE)
@require_POST
def member_invite_again(request: StaffRequest, membership_id: int) -> HttpResponse:
    acting = request.membership
    membership = get_object_or_404(selectors.memberships_for_management(acting=acting), pk=membership_id)
    try:
        user = invitations.invitation_resend(acting=acting, membership=membership, request=request)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("A new invitation is on its way to %(email)s.") % {"email": user.email})
    return HttpResponseRedirect(reverse("accounts:members"))


@staff_view(Perm.MEMBERS_MANAGE)
@require_http_methods(["GET", "POST"])
def member_two_factor_reset(request: StaffRequest, membership_id: int) -> HttpResponse:
    """Reset a member's two-factor (a lost phone or token), with the reason, after checking who asked."""
    acting = request.membership
    membership = get_object_or_404(selectors.memberships_for_management(acting=acting), pk=membership_id)
    form = TwoFactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = recovery.two_factor_reset(
                acting=acting, membership=membership, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("Two-factor for %(email)s is reset; they are signed out, and set it up at next sign-in.")
                % {"email": user.email},
            )
            return redirect("accounts:members")
    return render(request, "accounts/member_two_factor_reset.html", {"form": form, "membership": membership})


@staff_view(Perm.MEMBERS_MANAGE)
@require_http_methods(["GET", "POST"])
def members_import(request: StaffRequest) -> HttpResponse:
    """Upload a CSV file of members, see what each line would do and every problem, then import it.
    Between the two steps the file waits in the session; "Import" names it by its SHA-256."""
    acting = request.membership
    form = MemberImportForm()
    preview = None
    if request.method == "POST" and "digest" in request.POST:
        stored = request.session.get(member_import.SESSION_KEY) or {}
        try:
            memberships, preview = member_import.member_import_apply(
                acting=acting,
                request=request,
                text=str(stored.get("text", "")),
                digest=request.POST["digest"],
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
            shown = error.extra.get("preview")
            preview = shown if isinstance(shown, member_import.ImportPreview) else None
            if preview is not None:
                request.session.pop(member_import.SESSION_KEY, None)
        else:
            request.session.pop(member_import.SESSION_KEY, None)
            messages.success(
                request,
                _("%(members)d roles given; %(people)d new people invited.")
                % {"members": len(memberships), "people": preview.new_people},
            )
            return redirect("accounts:members")
    elif request.method == "POST":
        form = MemberImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                text = member_import.file_text(form.cleaned_data["file"].read(member_import.MAX_BYTES + 1))
            except ApplicationError as error:
                form.add_error("file", str(error.message))
            else:
                preview = member_import.member_import_preview(acting=acting, text=text)
                request.session.pop(member_import.SESSION_KEY, None)
                if preview.ready:
                    request.session[member_import.SESSION_KEY] = {"digest": preview.digest, "text": text}
    return render(request, "accounts/members_import.html", {"form": form, "preview": preview})


@staff_view(Perm.MEMBERS_MANAGE)
def members_import_template(request: StaffRequest) -> HttpResponse:
    """A CSV file to fill in, with the columns and two example lines."""
    text = member_import.member_import_template(acting=request.membership)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="members.csv"'
    return response


@staff_view(Perm.AGENCIES_VIEW)
def agencies(request: StaffRequest) -> HttpResponse:
    """Every agency, each with the links apps above register for it (places: its set-up page)."""
    acting = request.membership
    rows = [(agency, related_for(agency, acting)) for agency in selectors.agencies_visible(acting=acting)]
    return render(
        request, "accounts/agencies.html", {"rows": rows, "with_links": any(links for _agency, links in rows)}
    )


password_reset = auth_views.PasswordResetView.as_view(
    form_class=QueuedPasswordResetForm,
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """Django's password-reset page with the invitation's words. A link that no longer works says
    whether it was used (the person has a password: sign in) or has expired (ask for a new one); the
    form is not shown then, so opening a used link again changes no password."""

    template_name = "accounts/invitation_accept.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = getattr(self, "user", None)
        context["used"] = isinstance(user, User) and not invitations.invitation_pending(user=user)
        return context


invitation_accept = InvitationAcceptView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


@staff_view(Perm.AUDIT_VIEW)
def audit_log(request: StaffRequest) -> HttpResponse:
    """The audit log of the agency the person acts for; every agency's for system administrators."""
    acting = request.membership
    see_all = perm_scope(acting, Perm.AUDIT_VIEW) == Scope.ALL
    action = request.GET.get("action", "")
    events = audit_events_visible(
        agency_id=acting.agency_id,
        see_all=see_all,
        oversees=may(acting, Perm.AUDIT_REASONS_VIEW),
        action=action if action in AuditAction.values else "",
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/audit_log.html",
        {"page": page, "actions": AuditAction.choices, "action": action, "see_all": see_all},
    )
