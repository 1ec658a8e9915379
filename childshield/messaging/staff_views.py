"""Helpline supervisors add, change and switch off chat channels, and see and lift blocks."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.core.errors import ApplicationError
from childshield.messaging import selectors, services
from childshield.messaging.forms import ChannelForm
from childshield.messaging.models import ChatChannel
from childshield.messaging.permissions import MessagingPerm


def _hook_path(channel: ChatChannel) -> str:
    return reverse("messaging:webhook", kwargs={"key": channel.webhook_key})


@staff_view(MessagingPerm.CHANNEL_MANAGE)
@require_GET
def channel_list(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    channels = selectors.channels_for_manage(acting=acting)
    rows = [
        (
            channel,
            request.build_absolute_uri(reverse("messaging:webhook", kwargs={"key": channel.webhook_key})),
        )
        for channel in channels
    ]
    blocked = selectors.blocked_senders(acting=acting)
    return render(request, "messaging/channels.html", {"rows": rows, "blocked": blocked})


@staff_view(MessagingPerm.CHANNEL_MANAGE)
@require_http_methods(["GET", "POST"])
def channel_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    acting = request.membership
    channel = selectors.channel_for_manage(acting=acting, pk=pk) if pk is not None else None
    form = ChannelForm(request.POST or None, channel=channel)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.channel_save(acting=acting, channel=form.applied_to(channel or ChatChannel()))
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The channel %(name)s is saved.") % {"name": saved.name})
            return redirect("chat_channels:list")
    return render(
        request,
        "messaging/channel_form.html",
        {"form": form, "channel": channel},
        status=400 if form.errors else 200,
    )


@staff_view(MessagingPerm.SENDER_BLOCK)
@require_POST
def sender_unblock(request: StaffRequest, pk: int) -> HttpResponse:
    services.sender_unblock(acting=request.membership, pk=pk)
    messages.success(request, _("The sender is no longer blocked."))
    return redirect("chat_channels:list")
