"""Forms of the case pages: they check the shape of what was typed; the services check the rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from childshield.accounts.models import Agency, Membership
from childshield.cases.deadlines import urgency_choices
from childshield.cases.models import Consent
from childshield.cases.models.cases import CaseStatus, ClosureReason, HarmType, RiskLevel
from childshield.cases.models.children import Sex
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.feedback import FeedbackAnswer, Respondent
from childshield.cases.models.people_who_harmed import HarmerAge, HarmerContact, HarmerRelationship
from childshield.cases.models.plan import ServiceStatus
from childshield.cases.reference import LANGUAGES, WG_ANSWERS, WG_DOMAINS
from childshield.cases.services.consent import ConsentInput
from childshield.cases.workflow import CLOSURE_CHECKLIST
from childshield.core.choices import ChildGender
from childshield.directory.models import Resource, ServiceKind
from childshield.places.models import Area, localised


def _offer(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Narrow a field's choices to `queryset`: the areas, agencies or people this person may choose."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def _choices(form: forms.BaseForm, name: str, choices: Sequence[tuple[str, StrOrPromise]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class MembershipChoiceField(forms.ModelChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.full_name} ({obj.get_role_display()})"


class AreaChoiceField(forms.ModelChoiceField[Area]):
    def label_from_instance(self, obj: Area) -> str:
        parent = obj.parent if obj.parent_id and obj.level == Area.Level.COMMUNE else None
        return f"{obj.name}, {parent.name}" if parent is not None else obj.name


class DateInput(forms.DateInput):
    input_type = "date"


def _max_date_today(value: Any) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))


class ConsentFieldsMixin(forms.Form):
    child_assent = forms.BooleanField(
        label=_("The child agrees to this sharing"),
        required=False,
        help_text=_("Explained in words the child understands; the child can say no."),
    )
    caregiver_consent = forms.BooleanField(label=_("A caregiver agrees"), required=False)
    caregiver_name = forms.CharField(label=_("Caregiver who agreed"), required=False, max_length=200)
    caregiver_not_asked_reason = forms.CharField(
        label=_("If no caregiver can safely be asked, why"),
        required=False,
        max_length=1000,
        help_text=_("For example: a caregiver harmed the child."),
    )
    purpose = forms.CharField(
        label=_("Purpose of the sharing"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    consent_agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies the case may be shared with"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sections = forms.MultipleChoiceField(
        label=_("What may be shared"),
        choices=ShareSection.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def consent_input(self) -> ConsentInput:
        data = self.cleaned_data
        return ConsentInput(
            purpose=data["purpose"],
            agencies=list(data["consent_agencies"]),
            sections=data["sections"],
            child_assent=data["child_assent"],
            caregiver_consent=data["caregiver_consent"],
            caregiver_name=data["caregiver_name"],
            caregiver_not_asked_reason=data["caregiver_not_asked_reason"],
        )


def link_note_field() -> forms.CharField:
    """What a worker may tell the agency asked to link a child's records."""
    return forms.CharField(
        label=_("For the agency: why you think it may be the same child (optional)"),
        help_text=_("Only what they need to check, such as a caregiver's name or a school."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )


class CaseOpenForm(ConsentFieldsMixin):
    full_name = forms.CharField(label=_("Child's name"), max_length=200)
    aliases = forms.CharField(
        label=_("Other names or nicknames"),
        required=False,
        max_length=500,
        help_text=_("Separate with commas."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput, validators=[_max_date_today]
    )
    estimated_age = forms.IntegerField(
        label=_("Or age (estimated)"), required=False, min_value=0, max_value=25
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    gender = forms.ChoiceField(label=_("Gender"), choices=ChildGender.choices, initial=ChildGender.UNKNOWN)
    ethnicity = forms.ChoiceField(label=_("Ethnic group"), choices=(), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGES, widget=forms.CheckboxSelectMultiple, required=False
    )
    area = AreaChoiceField(label=_("Where the child lives"), queryset=Area.objects.none())
    school = forms.CharField(label=_("School"), required=False, max_length=200)
    caregiver_full_name = forms.CharField(label=_("Caregiver's name"), required=False, max_length=200)
    caregiver_relationship = forms.CharField(
        label=_("Caregiver's relationship to the child"), required=False, max_length=100
    )
    caregiver_phone = forms.CharField(label=_("Caregiver's phone"), required=False, max_length=50)
    safe_contact = forms.CharField(
        label=_("A safe way to contact the child"),
        required=False,
        max_length=500,
        help_text=_("Who or what is safe: a phone the abuser cannot see, a teacher, a time of day."),
    )
    harm_types = forms.MultipleChoiceField(
        label=_("What happened (harm types)"), choices=HarmType.choices, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(
        label=_("What happened, in a few sentences"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=[("", _("Choose")), *RiskLevel.choices])
    risk_reasons = forms.CharField(
        label=_("Why this risk level"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    supervisor = MembershipChoiceField(
        label=_("Supervisor"), queryset=Membership.objects.none(), required=False, empty_label=_("None yet")
    )
    record_consent = forms.BooleanField(label=_("Record consent to share now"), required=False, initial=True)
    duplicates_acknowledged = forms.BooleanField(
        label=_("I checked: open the case now, for a child recorded anew"), required=False
    )
    same_child = forms.IntegerField(required=False, widget=forms.HiddenInput)
    ask_link = forms.BooleanField(
        label=_("I think it may be the same child: ask the agency that knows this child to check"),
        required=False,
    )
    link_note = link_note_field()

    field_order = [
        "full_name",
        "aliases",
        "date_of_birth",
        "estimated_age",
        "sex",
        "gender",
        "ethnicity",
        "languages",
        "area",
        "school",
        "caregiver_full_name",
        "caregiver_relationship",
        "caregiver_phone",
        "safe_contact",
    ]

    def __init__(
        self,
        *args: Any,
        ethnic_groups: Sequence[tuple[str, StrOrPromise]],
        areas: QuerySet[Area],
        agencies: QuerySet[Agency],
        supervisors: QuerySet[Membership],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "ethnicity", ethnic_groups)
        _offer(self, "area", areas)
        _offer(self, "consent_agencies", agencies)
        _offer(self, "supervisor", supervisors)
        for code, label in WG_DOMAINS:
            self.fields[f"wg_{code}"] = forms.ChoiceField(label=label, choices=WG_ANSWERS, required=False)

    def disability_fields(self) -> list[forms.BoundField]:
        return [self[f"wg_{code}"] for code, _label in WG_DOMAINS]

    def child_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.field_order]

    def case_fields(self) -> list[forms.BoundField]:
        names = ["harm_types", "summary", "risk_level", "risk_reasons", "supervisor"]
        return [self[name] for name in names]

    def consent_fields(self) -> list[forms.BoundField]:
        names = [
            "record_consent",
            "child_assent",
            "caregiver_consent",
            "caregiver_name",
            "caregiver_not_asked_reason",
            "purpose",
        ]
        return [self[name] for name in [*names, "consent_agencies", "sections"]]

    def disability(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"wg_{code}") or "" for code, _label in WG_DOMAINS}


class CaseEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    supervisor = MembershipChoiceField(
        label=_("Supervisor"), queryset=Membership.objects.none(), required=False, empty_label=_("None yet")
    )
    harm_types = forms.MultipleChoiceField(
        label=_("What happened (harm types)"), choices=HarmType.choices, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(
        label=_("What happened, in a few sentences"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    risk_reasons = forms.CharField(
        label=_("Why this risk level"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, supervisors: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "supervisor", supervisors)


class StatusChangeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_status = forms.ChoiceField(label=_("Move the case to"), choices=CaseStatus.choices)
    reason = forms.CharField(label=_("Why (optional)"), required=False, max_length=500)

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            labels = dict(CaseStatus.choices)
            _choices(self, "to_status", [(value, labels[value]) for value in allowed])


class ConsentForm(ConsentFieldsMixin):
    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "consent_agencies", agencies)
        self.fields["consent_agencies"].required = True
        self.fields["sections"].required = True
        self.fields["purpose"].required = True


class EmergencyOverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("What danger makes sharing without consent necessary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    consent_agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies it may be shared with"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    sections = forms.MultipleChoiceField(
        label=_("What may be shared"), choices=ShareSection.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "consent_agencies", agencies)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=1000)


class ConsentChoiceField(forms.ModelChoiceField[Consent]):
    def label_from_instance(self, obj: Consent) -> str:
        if obj.is_emergency:
            return str(_("Emergency override of %(date)s")) % {"date": f"{obj.recorded_at:%Y-%m-%d}"}
        return str(_("Consent of %(date)s: %(purpose)s")) % {
            "date": f"{obj.recorded_at:%Y-%m-%d}",
            "purpose": obj.purpose[:60],
        }


class ReferralForm(forms.Form):
    to_agency = forms.ModelChoiceField(label=_("Refer to"), queryset=Agency.objects.none())
    services = forms.MultipleChoiceField(
        label=_("Services requested"),
        choices=ServiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ask for case management to hand the case over: their worker becomes the lead."),
    )
    # Each choice says its deadline, from the settings: "Emergency — answer within 1 hour".
    urgency = forms.ChoiceField(label=_("Urgency"), choices=urgency_choices)
    consent = ConsentChoiceField(label=_("The consent it rests on"), queryset=Consent.objects.none())
    sections = forms.MultipleChoiceField(
        label=_("What is shared"),
        choices=ShareSection.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The receiving agency sees only these parts of the case."),
    )
    message = forms.CharField(
        label=_("Message to the receiving agency"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
    )

    def __init__(
        self, *args: Any, agencies: QuerySet[Agency], consents: QuerySet[Consent], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "to_agency", agencies)
        _offer(self, "consent", consents)


class ReferralAcceptForm(forms.Form):
    supervisor = MembershipChoiceField(
        label=_("Supervisor for the case"), queryset=Membership.objects.none(), required=False
    )

    def __init__(self, *args: Any, supervisors: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "supervisor", supervisors)


class ReferralDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you decline"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ResourceChoiceField(forms.ModelChoiceField[Resource]):
    def label_from_instance(self, obj: Resource) -> str:
        kinds = "; ".join(obj.kind_labels)
        return f"{obj.name} ({kinds})" if kinds else obj.name


class ServiceAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    provider = forms.ModelChoiceField(
        label=_("Provided by (agency)"), queryset=Agency.objects.none(), required=False
    )
    resource = ResourceChoiceField(
        label=_("Or a service from the directory"),
        queryset=Resource.objects.none(),
        required=False,
        help_text=_("A hospital, shelter or other service listed in the services directory."),
    )
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=DateInput)
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)

    def __init__(
        self, *args: Any, agencies: QuerySet[Agency], resources: QuerySet[Resource], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "provider", agencies)
        _offer(self, "resource", resources)


class ServiceUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    starts_on = forms.DateField(label=_("Started"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("Ended"), required=False, widget=DateInput)
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=2000)


class ServiceProviderForm(forms.Form):
    """Who provides a service; another agency is asked first, on the consent chosen here."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    provider = forms.ModelChoiceField(
        label=_("Provided by (agency)"),
        queryset=Agency.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("That agency is no longer active: choose another provider.")},
    )
    resource = ResourceChoiceField(
        label=_("Or a service from the directory"),
        queryset=Resource.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("That service is not in the directory any more: choose another.")
        },
    )
    consent = ConsentChoiceField(
        label=_("The consent it rests on"),
        queryset=Consent.objects.none(),
        required=False,
        help_text=_("Needed when another agency is asked to provide the service."),
    )
    sections = forms.MultipleChoiceField(
        label=_("What is shared"),
        choices=ShareSection.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The agency asked sees only these parts of the case."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=urgency_choices)
    message = forms.CharField(
        label=_("Message to the receiving agency"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=3000,
    )

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency],
        resources: QuerySet[Resource],
        consents: QuerySet[Consent],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "provider", agencies)
        _offer(self, "resource", resources)
        _offer(self, "consent", consents)


class FollowUpForm(forms.Form):
    due_on = forms.DateField(label=_("Due"), widget=DateInput)
    assignee = MembershipChoiceField(label=_("Who"), queryset=Membership.objects.none())
    purpose = forms.CharField(label=_("What to check"), required=False, max_length=1000)

    def __init__(self, *args: Any, assignees: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "assignee", assignees)


class FollowUpDoneForm(forms.Form):
    outcome = forms.CharField(label=_("What was found"), required=False, max_length=1000)


class PersonWhoHarmedForm(forms.Form):
    relationship = forms.ChoiceField(label=_("Relationship to the child"), choices=HarmerRelationship.choices)
    contact = forms.ChoiceField(label=_("How they were in contact"), choices=HarmerContact.choices)
    age_group = forms.ChoiceField(label=_("Adult or child"), choices=HarmerAge.choices)
    identity_known = forms.BooleanField(label=_("Their identity is known"), required=False)
    description = forms.CharField(
        label=_("Name, account or description"),
        required=False,
        max_length=1000,
        help_text=_("Only what helps protect the child; stored encrypted."),
    )


class AttachmentForm(forms.Form):
    upload = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        help_text=_(
            "Never attach sexual images of the child: describe them, and ask the hotline to remove them."
        ),
    )
    description = forms.CharField(label=_("What it is"), required=False, max_length=500)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("New note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class ClosureForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Why the case closes"), choices=ClosureReason.choices)
    note = forms.CharField(
        label=_("Closing note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
        help_text=_("Needed when an item of the checklist cannot be ticked."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in CLOSURE_CHECKLIST:
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False)

    def checklist(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"check_{key}")) for key, _label in CLOSURE_CHECKLIST}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ClosureApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # The warnings the page showed: ticking acknowledges those, and only those.
    warnings = forms.CharField(widget=forms.HiddenInput, required=False)
    acknowledge = forms.BooleanField(
        label=_("I have read the warnings above and approve the closure despite them"), required=False
    )

    def acknowledged(self) -> list[str]:
        if not self.cleaned_data.get("acknowledge"):
            return []
        return [code for code in self.cleaned_data.get("warnings", "").split(",") if code]


class ClosureSendBackForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why you send it back"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The lead worker reads this on their home page. Say what to do before asking again."),
    )


class ReassignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    new_lead = MembershipChoiceField(label=_("New lead worker"), queryset=Membership.objects.none())
    new_supervisor = MembershipChoiceField(
        label=_("New supervisor (optional)"),
        queryset=Membership.objects.none(),
        required=False,
        help_text=_("Leave empty to keep the supervisor."),
    )
    note = forms.CharField(
        label=_("Handover note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("What the new worker must know first. The child's name is not needed here."),
    )

    def __init__(
        self, *args: Any, workers: QuerySet[Membership], supervisors: QuerySet[Membership], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "new_lead", workers)
        _offer(self, "new_supervisor", supervisors)


class ReopenForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why the case is reopened"), max_length=2000)


class BreakGlassForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=20, help_text=_("For example 2026-0007."))
    opened_by = forms.ModelChoiceField(
        label=_("Agency that opened it"), queryset=Agency.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Why you must open this case"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        max_length=2000,
        help_text=_("Kept in the audit log and seen by the case's workers. Do not write the child's name."),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "opened_by", agencies)


class CaseFilterForm(forms.Form):
    number = forms.CharField(label=_("Case number"), required=False, max_length=20)
    child_name = forms.CharField(
        label=_("Child's name"),
        required=False,
        max_length=200,
        help_text=_(
            "Any of the names, or the first three letters or more of each, with or without accents "
            "(“nguy hoa” finds Nguyễn Thị Hoa)."
        ),
    )
    area = AreaChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("Any")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any not closed")), *CaseStatus.choices], required=False
    )
    risk = forms.ChoiceField(label=_("Risk"), choices=[("", _("Any")), *RiskLevel.choices], required=False)
    overdue = forms.BooleanField(label=_("Only with an overdue follow-up"), required=False)

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "area", areas)


def _label(values: dict[str, str], language: str | None) -> str:
    return localised(values=values, language=language)


class AssessmentAnswerForm(forms.Form):
    """The questions of one assessment form version, built from its data."""

    def __init__(
        self, *args: Any, questions: list[dict[str, Any]], language: str | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            label = _label(question["label"], language)
            field: forms.Field
            if question["type"] == "choice":
                field = forms.ChoiceField(
                    label=label,
                    choices=[(c["value"], _label(c["label"], language)) for c in question["choices"]],
                    widget=forms.RadioSelect,
                    required=bool(question.get("required")),
                )
            else:
                field = forms.CharField(
                    label=label,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    required=bool(question.get("required")),
                    max_length=5000,
                )
            self.fields[question["key"]] = field


class FeedbackForm(forms.Form):
    """The child-friendly survey: four questions, each of which can be left as "I'd rather not say"."""

    listened = forms.ChoiceField(
        label=_("Did you feel listened to?"), choices=FeedbackAnswer.choices, widget=forms.RadioSelect
    )
    safe = forms.ChoiceField(
        label=_("Did you feel safe with us?"), choices=FeedbackAnswer.choices, widget=forms.RadioSelect
    )
    not_blamed = forms.ChoiceField(
        label=_("Did you feel that nobody blamed you?"),
        choices=FeedbackAnswer.choices,
        widget=forms.RadioSelect,
    )
    helped = forms.ChoiceField(
        label=_("Did the help make things better?"), choices=FeedbackAnswer.choices, widget=forms.RadioSelect
    )


class FeedbackPaperForm(FeedbackForm):
    respondent = forms.ChoiceField(label=_("Who answered"), choices=Respondent.choices)
    field_order = ["respondent"]


class FeedbackInviteForm(forms.Form):
    respondent = forms.ChoiceField(label=_("Who will answer"), choices=Respondent.choices)


class LinkAskForm(forms.Form):
    note = link_note_field()


class LinkAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            ("accept", _("It is the same child: link the records")),
            ("decline", _("It is not the same child, or we cannot tell: decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why you decline (the worker who asked sees it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )
