"""The editor of an agency's assessment form: one row per question (label per language, type,
options, required), turned into the form's data and back. It checks the shape of what was typed;
assessment_form_publish (services/assessments.py) checks that the result is a form that can be
filled in."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from childshield.core.blind_index import normalise

FORM_LANGUAGES: tuple[tuple[str, Any], ...] = (
    ("vi", _("Vietnamese")),
    ("km", _("Khmer")),
    ("en", _("English")),
)
OPTION_SEPARATOR = "|"
BLANK_QUESTIONS = 2


def key_from(text: str) -> str:
    """A key for a question or an option from its English (or any) label: "Safe now?" → "safe_now"."""
    folded = unicodedata.normalize("NFKD", normalise(text)).encode("ascii", "ignore").decode("ascii")
    key = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")[:50]
    if key and not key[0].isalpha():
        key = f"q_{key}"[:50]
    return key


class FormTitleForm(forms.Form):
    # `lang` on each box, so a screen reader reads what is typed in that language's voice.
    title_vi = forms.CharField(
        label=_("Title in Vietnamese"), max_length=200, required=False, widget=forms.TextInput({"lang": "vi"})
    )
    title_km = forms.CharField(
        label=_("Title in Khmer"), max_length=200, required=False, widget=forms.TextInput({"lang": "km"})
    )
    title_en = forms.CharField(
        label=_("Title in English"), max_length=200, widget=forms.TextInput({"lang": "en"})
    )
    preview_language = forms.ChoiceField(label=_("Preview in"), choices=FORM_LANGUAGES, required=False)

    def title(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"title_{code}"].strip() for code, _label in FORM_LANGUAGES
                if self.cleaned_data[f"title_{code}"].strip()}  # fmt: skip

    @staticmethod
    def initial_from(title: dict[str, str]) -> dict[str, str]:
        return {f"title_{code}": title.get(code, "") for code, _label in FORM_LANGUAGES}


class QuestionForm(forms.Form):
    label_vi = forms.CharField(
        label=_("Question in Vietnamese"),
        max_length=500,
        required=False,
        widget=forms.TextInput({"lang": "vi"}),
    )
    label_km = forms.CharField(
        label=_("Question in Khmer"), max_length=500, required=False, widget=forms.TextInput({"lang": "km"})
    )
    label_en = forms.CharField(
        label=_("Question in English"), max_length=500, required=False, widget=forms.TextInput({"lang": "en"})
    )
    type = forms.ChoiceField(
        label=_("Answer"),
        choices=[("choice", _("One of the options")), ("text", _("Written answer"))],
        initial="choice",
    )
    options = forms.CharField(
        label=_("Options, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Each line: value | English | Vietnamese | Khmer (for example: yes | Yes | Có | បាទ/ចាស)."
        ),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    key = forms.CharField(
        label=_("Key"),
        max_length=50,
        required=False,
        help_text=_("Keep a question's key when you reword it, so answers stay comparable across versions."),
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(f"label_{code}", "").strip() for code, _label in FORM_LANGUAGES)

    def question(self) -> dict[str, Any]:
        data = self.cleaned_data
        label = {code: data[f"label_{code}"].strip() for code, _label in FORM_LANGUAGES
                 if data[f"label_{code}"].strip()}  # fmt: skip
        question: dict[str, Any] = {
            "key": data["key"].strip() or key_from(label.get("en") or next(iter(label.values()), "")),
            "type": data["type"],
            "required": bool(data["required"]),
            "label": label,
        }
        if data["type"] == "choice":
            question["choices"] = options_from_text(data["options"])
        return question


def options_from_text(text: str) -> list[dict[str, Any]]:
    options = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split(OPTION_SEPARATOR)]
        while parts and not parts[-1]:
            parts.pop()
        if not parts:
            continue
        value, english, vietnamese, khmer = [*parts, "", "", "", ""][:4]
        if len(parts) == 1:  # just a label: its key is made from it
            value, english = key_from(parts[0]), parts[0]
        label = {code: text for code, text in (("en", english), ("vi", vietnamese), ("km", khmer)) if text}
        options.append({"value": value or key_from(english), "label": label})
    return options


def options_to_text(choices: list[dict[str, Any]]) -> str:
    lines = []
    for choice in choices:
        label = choice.get("label", {})
        parts = [choice.get("value", ""), label.get("en", ""), label.get("vi", ""), label.get("km", "")]
        lines.append(f" {OPTION_SEPARATOR} ".join(parts).rstrip(f" {OPTION_SEPARATOR}"))
    return "\n".join(lines)


def question_initial(question: dict[str, Any]) -> dict[str, Any]:
    label = question.get("label", {})
    return {
        "key": question.get("key", ""),
        "type": question.get("type", "choice"),
        "required": bool(question.get("required")),
        "options": options_to_text(question.get("choices", [])),
        **{f"label_{code}": label.get(code, "") for code, _label in FORM_LANGUAGES},
    }


QuestionFormSet = forms.formset_factory(
    QuestionForm, extra=BLANK_QUESTIONS, can_delete=True, can_order=True, max_num=100, absolute_max=100
)


def questions_from(formset: Any) -> list[dict[str, Any]]:
    """The questions of a valid formset in the order given, without deleted or blank rows."""
    return [form.question() for form in formset.ordered_forms if not form.is_blank()]


def formset_for(questions: list[dict[str, Any]], data: Any = None) -> Any:
    initial = [{**question_initial(question), "ORDER": position} for position, question in
               enumerate(questions, start=1)]  # fmt: skip
    return QuestionFormSet(data, initial=initial, prefix="q")
