"""The default assessment forms, as data: an agency adapts questions by publishing a new version,
without code (Primero's forms-as-data idea). Labels are per language; a missing language falls
back to English.

Question types: "choice" (one of `choices`), "text" (free text, stored encrypted with the answers).
"""

from typing import Any

YES_NO_UNKNOWN: list[dict[str, Any]] = [
    {"value": "yes", "label": {"en": "Yes"}},
    {"value": "no", "label": {"en": "No"}},
    {"value": "not_known", "label": {"en": "Not known"}},
]

CONCERN: list[dict[str, Any]] = [
    {"value": "none", "label": {"en": "No concern"}},
    {"value": "some", "label": {"en": "Some concern"}},
    {"value": "serious", "label": {"en": "Serious concern"}},
]

DEFAULT_FORMS: dict[str, dict[str, Any]] = {
    "safety": {
        "title": {"en": "Safety assessment"},
        "questions": [
            {"key": "safe_now", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Is the child safe right now?"}},
            {"key": "contact_ongoing", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Is the person who harmed still in contact with the child?"}},
            {"key": "threats", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Are there threats to share images or to hurt the child?"}},
            {"key": "self_harm", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Has the child thought about hurting themselves?"}},
            {"key": "home_safe", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Is home a safe place for the child?"}},
            {"key": "trusted_adult", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Is there a trusted adult the child can turn to?"}},
            {"key": "actions", "type": "text", "required": False,
             "label": {"en": "What was done now to keep the child safe"}},
        ],
    },
    "comprehensive": {
        "title": {"en": "Comprehensive assessment"},
        "questions": [
            {"key": "emotional", "type": "choice", "required": True, "choices": CONCERN,
             "label": {"en": "Emotional wellbeing and mental health"}},
            {"key": "physical", "type": "choice", "required": True, "choices": CONCERN,
             "label": {"en": "Physical health"}},
            {"key": "education", "type": "choice", "required": True, "choices": CONCERN,
             "label": {"en": "School attendance and learning"}},
            {"key": "family", "type": "choice", "required": True, "choices": CONCERN,
             "label": {"en": "Support from family and caregivers"}},
            {"key": "online_material", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Are images or videos of the child still online?"}},
            {"key": "justice", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Does the child or family want to report to the police?"}},
            {"key": "child_wishes", "type": "text", "required": False,
             "label": {"en": "What the child wants, in their own words"}},
            {"key": "needs", "type": "text", "required": False,
             "label": {"en": "Needs and strengths found"}},
        ],
    },
}  # fmt: skip
