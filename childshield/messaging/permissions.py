"""Who may manage the helpline's chat channels and block abusive senders: its supervisors."""

from enum import StrEnum

from childshield.accounts.models import AgencyKind, Role
from childshield.accounts.permissions import PermissionSet, Scope, declare


class MessagingPerm(StrEnum):
    # Add, change and switch off the channels children write through (tokens and secrets included).
    CHANNEL_MANAGE = "messaging.manage_channels"
    # Stop an abusive sender's messages from reaching the queue (by their keyed hash, never by name).
    SENDER_BLOCK = "messaging.block_sender"


MESSAGING = declare(
    PermissionSet(
        perms=MessagingPerm,
        default_kinds=frozenset({AgencyKind.HELPLINE}),
        grants={
            Role.HELPLINE_SUPERVISOR: {
                MessagingPerm.CHANNEL_MANAGE: Scope.ALL,
                MessagingPerm.SENDER_BLOCK: Scope.ALL,
            },
        },
    )
)
