"""Outbox items in the admin site: listed and read without their payloads; dead letters replayed."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childshield.outbox.models import OutboxItem
from childshield.outbox.services import outbox_items_replay

# Every field but the payload, which may hold personal data and is never shown.
SHOWN = (
    "kind",
    "state",
    "attempts",
    "next_attempt_at",
    "locked_until",
    "last_error",
    "idempotency_key",
    "created_at",
    "delivered_at",
)


@admin.register(OutboxItem)
class OutboxItemAdmin(admin.ModelAdmin[OutboxItem]):
    list_display = ["id", "kind", "state", "attempts", "next_attempt_at", "last_error", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["idempotency_key"]
    fields = SHOWN
    readonly_fields = SHOWN
    ordering = ["-id"]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    @admin.action(description=_("Replay: try the selected dead letters again"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[OutboxItem]) -> None:
        actor = request.user if isinstance(request.user, Model) else None
        replayed = outbox_items_replay(
            item_ids=list(queryset.values_list("pk", flat=True)), actor=actor, via="admin"
        )
        self.message_user(
            request,
            gettext("Dead letters put back to be tried again: %(count)d.") % {"count": len(replayed)},
            messages.SUCCESS,
        )
