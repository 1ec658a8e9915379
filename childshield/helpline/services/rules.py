"""The triage rules' edits: words in one language that raise one signal, every version kept."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.helpline.models import TriageRule, TriageRuleVersion
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.services.triage import reports_retriage
from childshield.helpline.triage import RULE_LANGUAGES, Signal, phrase_problems

# A line may hold many alternatives (`a|b|c ~ d|e`): long, but still one line a supervisor reads.
PHRASE_MAX_LENGTH = 5000
PHRASES_MAX = 300


class EditedMeanwhile(ApplicationError):
    """Shared data (a rule, a saved reply) changed after the editor opened it."""

    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this after you opened it. Reload it, then make your change again."),
            code="stale",
        )


@dataclass(frozen=True)
class TriageRuleInput:
    signal: str
    language: str
    phrases: list[str]
    is_active: bool = True
    note: str = ""


def _clean_rule(data: TriageRuleInput) -> list[str]:
    if data.signal not in [signal.value for signal in Signal]:
        raise ApplicationError(_("Choose the signal the words raise."), code="invalid")
    if data.language not in RULE_LANGUAGES:
        raise ApplicationError(_("Choose the language of the words."), code="invalid")
    phrases = list(dict.fromkeys(" ".join(phrase.split()) for phrase in data.phrases if phrase.strip()))
    if not phrases:
        raise ApplicationError(_("Write at least one word or phrase, one a line."), code="phrases_missing")
    if len(phrases) > PHRASES_MAX or any(len(phrase) > PHRASE_MAX_LENGTH for phrase in phrases):
        raise ApplicationError(_("Too many words, or a phrase too long."), code="too_long")
    # One letter, or a * after two, would match nearly everything and flood the queue.
    problems = phrase_problems(phrases, Signal(data.signal))
    if problems:
        raise ApplicationError(" ".join(problems), code="phrase_invalid")
    return phrases


def _rule_version_record(rule: TriageRule, acting: Membership | None, note: str) -> None:
    TriageRuleVersion.objects.create(
        rule=rule,
        version=rule.version,
        signal=rule.signal,
        language=rule.language,
        phrases=rule.phrases,
        is_active=rule.is_active,
        note=note.strip()[:300],
        changed_by=acting,
        changed_at=rule.updated_at,
    )


@transaction.atomic
def triage_rule_create(*, acting: Membership, data: TriageRuleInput) -> TriageRule:
    """A new rule: words in one language that raise one signal. Waiting reports are triaged again."""
    require(acting, HelplinePerm.RULES_MANAGE)
    phrases = _clean_rule(data)
    rule = TriageRule.objects.create(
        signal=data.signal, language=data.language, phrases=phrases, is_active=data.is_active
    )
    _rule_version_record(rule, acting, data.note)
    audit.record(
        action=AuditAction.CREATE,
        actor=acting.user,
        agency=acting.agency,
        obj=rule,
        reason="triage rule added",
    )
    reports_retriage(acting=acting)
    return rule


@transaction.atomic
def triage_rule_update(
    *, acting: Membership, rule: TriageRule, data: TriageRuleInput, version: int
) -> TriageRule:
    """Change or disable a rule; the version before stays in its history, and waiting reports are
    triaged again. Refused if the rule changed meanwhile."""
    require(acting, HelplinePerm.RULES_MANAGE)
    phrases = _clean_rule(data)
    locked = TriageRule.objects.select_for_update().get(pk=rule.pk)
    if locked.version != version:
        raise EditedMeanwhile()
    unchanged = (locked.signal, locked.language, locked.phrases, locked.is_active) == (
        data.signal,
        data.language,
        phrases,
        data.is_active,
    )
    if unchanged:
        return locked
    locked.signal, locked.language, locked.phrases, locked.is_active = (
        data.signal,
        data.language,
        phrases,
        data.is_active,
    )
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    _rule_version_record(locked, acting, data.note)
    audit.record(
        action=AuditAction.UPDATE,
        actor=acting.user,
        agency=acting.agency,
        obj=locked,
        reason=f"triage rule changed to version {locked.version}"
        + ("" if locked.is_active else " (not in use)"),
    )
    reports_retriage(acting=acting)
    return locked
