"""The counsellor's forms: a contact, quick in the order it is told, and handing a report over."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.cases.models.cases import HarmType, RiskLevel
from childshield.core.choices import (
    CHI_AGE_BAND_FROM_REPORTER,
    CHI_GENDER_FROM_REPORTER,
    CHILD_GENDER_FROM_CHI,
    ESTIMATED_AGE_FROM_CHI_BAND,
    ChiAgeBand,
    ChiGender,
    ChildGender,
)
from childshield.core.forms import choices_limit
from childshield.helpline.caller_identity import caller_key_for
from childshield.helpline.models import (
    RULE_LANGUAGE_CHOICES,
    SIGNAL_CHOICES,
    Action,
    CallerFlag,
    CallerType,
    Category,
    Contact,
    ContactChannel,
    Disability,
    Ethnicity,
    Outcome,
)
from childshield.helpline.services.contacts import LONGEST_CONTACT_MINUTES, ContactDetails
from childshield.intake.models import Harm, Report
from childshield.places.models import Area


def initial_from_report(report: Report) -> dict[str, object]:
    return {
        # Reports that came through a web page (the form, block-image) are web contacts.
        "channel": report.channel if report.channel in ContactChannel.values else ContactChannel.WEB,
        "caller_type": CallerType.CHILD if report.about == "me" else CallerType.UNKNOWN,
        "age_band": CHI_AGE_BAND_FROM_REPORTER.get(report.age_band, ChiAgeBand.UNKNOWN),
        "gender": CHI_GENDER_FROM_REPORTER.get(report.gender, ChiGender.UNKNOWN),
        "province": report.province_id,
    }


# The CHI category (contact_categories.json) of each harm a child can tick on the report form
# (intake's Harm), pre-selected in the contact logged from that report; the counsellor unticks what
# the conversation does not bear out. "other" names no category, so nothing is pre-selected for it.
CATEGORY_FROM_REPORT_HARM: dict[str, str] = {
    Harm.THREATENED: "online.sextortion",  # threats to share pictures, or demands for money
    Harm.ASKED_FOR_PICTURES: "online.asked_for_images",
    Harm.PICTURES_SHARED: "online.images_shared",  # shared without consent
    Harm.UNWANTED_IMAGES: "online.unwanted_content",
    Harm.GROOMING: "online.grooming",
    Harm.BULLYING: "online.cyberbullying",  # sexual comments, jokes or rumours: sexual bullying online
    Harm.ABUSE_MATERIAL: "online.abuse_material",
}


def category_codes_from_report(report: Report) -> list[str]:
    """The CHI categories matching the harms the child ticked, in the order they ticked them."""
    codes = (CATEGORY_FROM_REPORT_HARM.get(harm) for harm in report.harms)
    return list(dict.fromkeys(code for code in codes if code))


# A web report is logged from the queue, not typed in here.
_TYPED_CHANNELS = [choice for choice in ContactChannel.choices if choice[0] != ContactChannel.WEB]


class CategoryField(forms.ModelMultipleChoiceField[Category]):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name


class ContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=_TYPED_CHANNELS, initial=ContactChannel.PHONE)
    caller = forms.CharField(
        label=_("Phone number or chat thread"),
        required=False,
        max_length=100,
        help_text=_("Only to recognise a repeat caller: a keyed hash is kept, never the number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    caller_type = forms.ChoiceField(label=_("Caller"), choices=CallerType.choices, initial=CallerType.UNKNOWN)
    age_band = forms.ChoiceField(
        label=_("Child's age"), choices=ChiAgeBand.choices, initial=ChiAgeBand.UNKNOWN
    )
    gender = forms.ChoiceField(
        label=_("Child's gender"), choices=ChiGender.choices, initial=ChiGender.UNKNOWN
    )
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=Ethnicity.choices, initial=Ethnicity.UNKNOWN)
    disability = forms.ChoiceField(
        label=_("Disability"), choices=Disability.choices, initial=Disability.UNKNOWN
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Area.objects.none(), required=False, empty_label=_("Unknown")
    )
    categories = CategoryField(
        label=_("Categories"),
        queryset=Category.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one category.")},
    )
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the contact was about, in a few lines. Stored encrypted."),
        error_messages={"required": _("Write a short summary of the contact.")},
    )
    notes = forms.CharField(
        label=_("Counselling notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Stored encrypted; only you and your supervisors read them."),
    )
    actions = forms.MultipleChoiceField(
        label=_("Actions"), choices=Action.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices], required=False)
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=0, max_value=LONGEST_CONTACT_MINUTES, required=False
    )
    draft_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self,
        *args: Any,
        provinces: QuerySet[Area],
        categories: QuerySet[Category],
        report: Report | None = None,
        **kwargs: Any,
    ) -> None:
        if report is not None:
            ticked = categories.filter(code__in=category_codes_from_report(report))
            kwargs["initial"] = {
                **initial_from_report(report),
                "categories": [category.pk for category in ticked],
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        self.report = report
        if report is not None:
            channel_field = self.fields["channel"]
            assert isinstance(channel_field, forms.ChoiceField)
            channel_field.choices = ContactChannel.choices
        choices_limit(self, "province", provinces)
        choices_limit(self, "categories", categories)

    def details(self) -> ContactDetails:
        data = self.cleaned_data
        return ContactDetails(
            channel=data["channel"],
            caller_type=data["caller_type"],
            age_band=data["age_band"],
            gender=data["gender"],
            ethnicity=data["ethnicity"],
            disability=data["disability"],
            province=data["province"],
            categories=list(data["categories"]),
            summary=data["summary"],
            notes=data["notes"],
            actions=list(data["actions"]),
            outcome=data["outcome"],
            duration_minutes=data["duration_minutes"],
            report=self.report,
            caller_key=caller_key_for(data["caller"]),
            draft_token=data["draft_token"],
        )


class CallerNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for colleagues"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Shown to the counsellor who answers this caller next. Stored encrypted."),
    )
    flags = forms.MultipleChoiceField(
        label=_("Flags"), choices=CallerFlag.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    expires_on = forms.DateField(
        label=_("Show until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Choose until when the note is shown.")},
    )


class MemberChoiceField(forms.ModelChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.full_name} ({obj.get_role_display()})"


class HandOverForm(forms.Form):
    to = MemberChoiceField(label=_("Hand over to"), queryset=Membership.objects.none())

    def __init__(self, *args: Any, colleagues: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_limit(self, "to", colleagues)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The person who reported reads it with their code. Warm, plain words; never blame."),
        error_messages={"required": _("Write your reply first.")},
    )
    once = forms.CharField(widget=forms.HiddenInput, required=False)


class TriageRuleForm(forms.Form):
    signal = forms.ChoiceField(label=_("Signal"), choices=SIGNAL_CHOICES)
    language = forms.ChoiceField(label=_("Language"), choices=RULE_LANGUAGE_CHOICES)
    phrases = forms.CharField(
        label=_("Words and phrases"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One a line. Capitals and Vietnamese accents do not matter: “muon chet” also finds “muốn chết”. "
            "A * at a word's end finds longer words (threat* finds threatened). Words separated by | are "
            "alternatives. Two sets joined by ~ are found within 5 words of each other, in either order "
            "(post*|share* ~ pic*|photo*); ~3 says 3 words. A line starting with - lists words inside "
            "which the signal's words do not count (-bored to death). A line starting with + lists words "
            "the signal needs beside its other words, unless another signal is raised (+hit*|alone)."
        ),
        error_messages={"required": _("Write at least one word or phrase, one a line.")},
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    save_broad = forms.BooleanField(
        label=_("Save anyway: I have checked that these words do not raise the signal too often"),
        required=False,
    )
    note = forms.CharField(label=_("Why this change"), required=False, max_length=300)
    sample = forms.CharField(
        label=_("Test on a sample text"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("Made-up words only. The sample is not saved."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def phrase_list(self) -> list[str]:
        return [line for line in self.cleaned_data["phrases"].splitlines() if line.strip()]


class ReplyTemplateForm(forms.Form):
    code = forms.SlugField(
        label=_("Short code"),
        max_length=60,
        help_text=_("Letters, digits and dashes; it cannot change later."),
    )
    title_vi = forms.CharField(label=_("Title (Vietnamese)"), max_length=200)
    body_vi = forms.CharField(label=_("Text (Vietnamese)"), widget=forms.Textarea(attrs={"rows": 4}))
    title_km = forms.CharField(label=_("Title (Khmer)"), max_length=200)
    body_km = forms.CharField(label=_("Text (Khmer)"), widget=forms.Textarea(attrs={"rows": 4}))
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    body_en = forms.CharField(
        label=_("Text (English)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain, warm words a 10-year-old understands. Never blame the child."),
    )
    position = forms.IntegerField(label=_("Position in the list"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].required = False


# What a contact's categories say about the harm, in the cases app's words.
_CATEGORY_HARMS = {
    "online.sextortion": HarmType.SEXTORTION,
    "online.grooming": HarmType.GROOMING,
    "online.images_shared": HarmType.NON_CONSENSUAL_SHARING,
    "online.asked_for_images": HarmType.SELF_GENERATED_UNDER_PRESSURE,
    "online.unwanted_content": HarmType.SEXUAL_CONTENT_EXPOSURE,
    "online.abuse_material": HarmType.ABUSE_MATERIAL,
    "online.livestream": HarmType.LIVE_STREAMED,
    "online.cyberbullying": HarmType.SEXUAL_CYBERBULLYING,
}


def case_initial_from_contact(contact: Contact) -> dict[str, object]:
    escalated = {"police", "health"} & set(contact.actions) or contact.outcome == Outcome.ESCALATED
    return {
        "area": contact.province_id,
        "estimated_age": ESTIMATED_AGE_FROM_CHI_BAND.get(contact.age_band),
        "gender": CHILD_GENDER_FROM_CHI.get(contact.gender, ChildGender.UNKNOWN),
        "harm_types": list(
            dict.fromkeys(
                _CATEGORY_HARMS[category.code]
                for category in contact.categories.all()
                if category.code in _CATEGORY_HARMS
            )
        ),
        "risk_level": RiskLevel.HIGH if escalated else "",
        "summary": contact.summary,
    }


class AreaField(forms.ModelChoiceField[Area]):
    def label_from_instance(self, obj: Area) -> str:
        return str(obj.name)


class CaseFromContactForm(forms.Form):
    child_name = forms.CharField(
        label=_("Child's name, or a name the child chose"),
        max_length=200,
        error_messages={"required": _("Enter the child's name, or a name the child chose.")},
    )
    area = AreaField(
        label=_("Where the child lives"),
        queryset=Area.objects.none(),
        error_messages={"required": _("Choose where the child lives.")},
    )
    estimated_age = forms.IntegerField(
        label=_("Age (estimated)"),
        required=False,
        min_value=0,
        max_value=25,
        help_text=_("Filled in from the contact's age band; correct it if you know better."),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=ChildGender.choices, initial=ChildGender.UNKNOWN)
    harm_types = forms.MultipleChoiceField(
        label=_("What happened (harm types)"),
        choices=HarmType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one harm type.")},
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"),
        choices=[("", _("Choose")), *RiskLevel.choices],
        error_messages={"required": _("Choose a risk level.")},
    )
    summary = forms.CharField(
        label=_("What happened, in a few sentences"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    duplicates_acknowledged = forms.BooleanField(
        label=_("I checked: this is another child with the same name"), required=False
    )

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_limit(self, "area", areas)


class HotlineAddressesForm(forms.Form):
    addresses = forms.CharField(
        label=_("Web addresses the caller gave"),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        max_length=20000,
        help_text=_("One a line. Do not open them: the hotline's analysts check them safely."),
        error_messages={"required": _("Write at least one web address, one a line.")},
    )
