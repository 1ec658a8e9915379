"""The saved replies' edits: a counsellor's first words in Vietnamese, Khmer and English, kept by version."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.helpline.models import ReplyTemplate, ReplyTemplateVersion
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.reply_templates import LANGUAGES
from childshield.helpline.services.rules import EditedMeanwhile


@dataclass(frozen=True)
class ReplyTemplateInput:
    code: str
    titles: dict[str, str]
    bodies: dict[str, str]
    position: int = 0
    is_active: bool = True


def _clean_template(data: ReplyTemplateInput) -> tuple[dict[str, str], dict[str, str]]:
    titles = {code: " ".join(data.titles.get(code, "").split()) for code in LANGUAGES}
    bodies = {code: data.bodies.get(code, "").strip() for code in LANGUAGES}
    if not all(titles.values()) or not all(bodies.values()):
        raise ApplicationError(
            _("Write the title and the text in Vietnamese, Khmer and English."), code="language_missing"
        )
    if any(len(title) > 200 for title in titles.values()) or any(len(b) > 5000 for b in bodies.values()):
        raise ApplicationError(_("A title or a text is too long."), code="too_long")
    return titles, bodies


def _template_fields(titles: dict[str, str], bodies: dict[str, str]) -> dict[str, str]:
    return {
        **{f"title_{code}": text for code, text in titles.items()},
        **{f"body_{code}": text for code, text in bodies.items()},
    }


def _template_version_record(template: ReplyTemplate, acting: Membership | None) -> None:
    ReplyTemplateVersion.objects.create(
        template=template,
        version=template.version,
        content={
            "title": {code: template.title(code) for code in LANGUAGES},
            "body": {code: template.body(code) for code in LANGUAGES},
        },
        is_active=template.is_active,
        changed_by=acting,
        changed_at=template.updated_at,
    )


@transaction.atomic
def reply_template_create(*, acting: Membership, data: ReplyTemplateInput) -> ReplyTemplate:
    require(acting, HelplinePerm.RULES_MANAGE)
    titles, bodies = _clean_template(data)
    code = data.code.strip().lower()
    if not code or ReplyTemplate.objects.filter(code=code).exists():
        raise ApplicationError(_("Choose a short code no other saved reply has."), code="code_taken")
    template = ReplyTemplate.objects.create(
        code=code, position=data.position, is_active=data.is_active, **_template_fields(titles, bodies)
    )
    _template_version_record(template, acting)
    audit.record(
        action=AuditAction.CREATE,
        actor=acting.user,
        agency=acting.agency,
        obj=template,
        reason="reply template added",
    )
    return template


@transaction.atomic
def reply_template_update(
    *, acting: Membership, template: ReplyTemplate, data: ReplyTemplateInput, version: int
) -> ReplyTemplate:
    """Change or disable a saved reply; the version before stays in its history."""
    require(acting, HelplinePerm.RULES_MANAGE)
    titles, bodies = _clean_template(data)
    locked = ReplyTemplate.objects.select_for_update().get(pk=template.pk)
    if locked.version != version:
        raise EditedMeanwhile()
    for name, value in _template_fields(titles, bodies).items():
        setattr(locked, name, value)
    locked.position = data.position
    locked.is_active = data.is_active
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    _template_version_record(locked, acting)
    audit.record(
        action=AuditAction.UPDATE,
        actor=acting.user,
        agency=acting.agency,
        obj=locked,
        reason=f"reply template changed to version {locked.version}"
        + ("" if locked.is_active else " (not in use)"),
    )
    return locked
