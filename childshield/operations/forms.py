"""Forms of the data-subject request pages."""

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.operations.models import (
    IdentityDocument,
    RefusalReason,
    RequesterRole,
    SubjectKind,
    SubjectRequestKind,
)
from childshield.operations.subject_requests import RequestInput


class MomentInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def _now() -> datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


class SubjectRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What they ask for"), choices=SubjectRequestKind.choices)
    requester_name = forms.CharField(label=_("Requester's name"), max_length=200)
    requester_contact = forms.CharField(
        label=_("How to answer them"),
        max_length=300,
        required=False,
        help_text=_("An address or phone number the answer may safely go to."),
    )
    requester_role = forms.ChoiceField(
        label=_("The requester is"), choices=RequesterRole.choices, initial=RequesterRole.SELF
    )
    details = forms.CharField(
        label=_("What they ask, in their words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a correction, what is wrong and what it should say."),
    )
    received_at = forms.DateTimeField(
        label=_("Received"),
        required=False,
        widget=MomentInput(),
        help_text=_("Leave empty for now. The answer is due within the period the law sets, from then."),
    )

    def request_input(self) -> RequestInput:
        data = self.cleaned_data
        return RequestInput(
            kind=data["kind"],
            requester_name=data["requester_name"],
            requester_contact=data["requester_contact"],
            requester_role=data["requester_role"],
            details=data["details"],
            received_at=data["received_at"],
        )


class IdentityForm(forms.Form):
    document = forms.ChoiceField(label=_("Document seen"), choices=IdentityDocument.choices)
    checked_by = forms.CharField(
        label=_("Checked by"), max_length=150, help_text=_("The name of the person who saw it.")
    )
    checked_at = forms.DateTimeField(label=_("Checked on"), widget=MomentInput())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How it was checked; for a parent or a representative, how their standing was checked."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"checked_at": _now()})
        super().__init__(*args, **kwargs)


class SubjectSearchForm(forms.Form):
    kind = forms.ChoiceField(label=_("Whom to look for"), choices=SubjectKind.choices)
    query = forms.CharField(
        label=_("Look them up by"),
        max_length=200,
        help_text=_(
            "A staff member: their e-mail address. Someone who reported: the report's code. A child, a "
            "caregiver or a person who harmed: the case's number."
        ),
    )


class SubjectChoiceForm(forms.Form):
    kind = forms.ChoiceField(choices=SubjectKind.choices, widget=forms.HiddenInput)
    candidate = forms.RegexField(regex=r"^\d{1,18}(:\d{1,4})?$", widget=forms.HiddenInput)

    def chosen(self) -> tuple[int, int | None]:
        record, _sep, part = self.cleaned_data["candidate"].partition(":")
        return int(record), int(part) if part else None


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "An access: what was sent, and how. A correction: what was corrected, by whom (the agency that "
            "keeps the record corrects it in its own pages). An erasure done by hand: what was erased."
        ),
    )


class RefusalForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=RefusalReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
