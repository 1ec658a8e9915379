"""The report form, the block-a-picture form, the thread forms, and their kind messages; nothing
typed is lost on an error."""

import json
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from childshield.core.choices import ReporterAgeBand, ReporterGender, WritingLanguage
from childshield.core.forms import choices_limit
from childshield.intake.models import (
    About,
    ContactMethod,
    FileKind,
    Harm,
    Platform,
    SafeNow,
    When,
)
from childshield.intake.services import BLOCK_IMAGE_MAX_FILES, MESSAGE_MAX_LENGTH, FileHashes, ReportContent
from childshield.places.models import Area

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

DESCRIPTION_MAX_LENGTH = 4000
URL_MAX_LENGTH = 2000
CONTACT_MAX_LENGTH = 200
URL_FIELDS = ("url1", "url2", "url3")

# Pictures next to the words, for children who read slowly; hidden from screen readers.
HARM_ICONS = {
    Harm.THREATENED: "⚠️",
    Harm.ASKED_FOR_PICTURES: "📷",
    Harm.PICTURES_SHARED: "📤",
    Harm.UNWANTED_IMAGES: "🚫",
    Harm.GROOMING: "🎁",
    Harm.BULLYING: "💬",
    Harm.ABUSE_MATERIAL: "👁️",
    Harm.OTHER: "❓",
}

_TOO_LONG = _(
    "This is longer than we can take: please make it shorter than %(limit_value)d letters "
    "(now %(show_value)d). Everything you wrote is still here."
)
_BAD_URL = _(
    "This does not look like a web address. A web address looks like https://example.com/page. "
    "You can also leave this box empty."
)

_validate_url = URLValidator(schemes=["http", "https"])


def _normalise_url(value: str) -> str:
    """A web address as people paste it ("facebook.com/x" included), or ValidationError."""
    value = value.strip()
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    try:
        _validate_url(value)
    except ValidationError:
        raise ValidationError(_BAD_URL, code="invalid") from None
    return value


def url_from_link(value: str) -> str:
    """The ?url= of a link that opens the form, if it is a web address; else nothing."""
    try:
        return _normalise_url(value[:URL_MAX_LENGTH])
    except ValidationError:
        return ""


def platform_from_link(value: str) -> str:
    """The platform a ?from= names, if it is one of ours."""
    slug = slugify(value)[:50]
    return slug if slug in Platform.values else ""


def source_from_link(value: str) -> str:
    return slugify(value)[:50]


def _contact_method_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("May we contact you?"),
        choices=ContactMethod.choices,
        initial=ContactMethod.NONE,
        widget=forms.RadioSelect,
        required=False,
    )


def _contact_field(help_text: "_StrPromise") -> forms.CharField:
    return forms.CharField(
        label=_("Your phone number, Zalo, Messenger name or e-mail"),
        help_text=help_text,
        required=False,
        max_length=CONTACT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": _TOO_LONG},
    )


def _check_contact(form: forms.Form, data: dict[str, Any]) -> None:
    """A way to reach the person is needed only if they chose one, and an e-mail must look like one."""
    method = data.get("contact_method") or ContactMethod.NONE
    contact = (data.get("contact") or "").strip()
    if method != ContactMethod.NONE and not contact and "contact" not in form.errors:
        form.add_error(
            "contact",
            _("Write how we can reach you, or choose “Do not contact me”."),
        )
    if method == ContactMethod.EMAIL and contact:
        try:
            EmailValidator()(contact)
        except ValidationError:
            form.add_error(
                "contact", _("This does not look like an e-mail address. It looks like name@example.com.")
            )


class ProvinceField(forms.ModelChoiceField[Area]):
    def label_from_instance(self, obj: Area) -> str:
        # The name in the page's language, without the statistical code.
        return str(obj.display_name())


class KindForm(forms.Form):
    """A form that lets people type past a length limit and then says so, rather than the browser
    silently cutting off a pasted text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)


class ReportForm(KindForm):
    about = forms.ChoiceField(
        label=_("Who is this about?"),
        choices=About.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose who this is about.")},
    )
    harms = forms.MultipleChoiceField(
        label=_("What happened? Choose all that fit."),
        choices=Harm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Tell us in your own words (if you want)"),
        help_text=_("Write what you want us to know. You do not have to write names."),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _TOO_LONG},
    )
    platform = forms.ChoiceField(
        label=_("Where did it happen?"),
        choices=[("", _("Choose (if you know)")), *Platform.choices],
        required=False,
    )
    url1 = forms.CharField(
        label=_("Link to the page, profile or chat (if you have one)"),
        help_text=_("Copy it from the address bar or the Share button. Do not send us the pictures."),
        required=False,
        max_length=URL_MAX_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": _TOO_LONG},
    )
    url2 = forms.CharField(
        label=_("Another link"),
        required=False,
        max_length=URL_MAX_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": _TOO_LONG},
    )
    url3 = forms.CharField(
        label=_("Another link"),
        required=False,
        max_length=URL_MAX_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": _TOO_LONG},
    )
    happened = forms.ChoiceField(
        label=_("When did it happen?"), choices=When.choices, required=False, widget=forms.RadioSelect
    )
    safe_now = forms.ChoiceField(
        label=_("Are you safe right now?"),
        choices=SafeNow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please tell us if you are safe right now.")},
    )
    age_band = forms.ChoiceField(
        label=_("How old are you?"),
        choices=[*ReporterAgeBand.choices, ("", _("I'd rather not say"))],
        required=False,
        widget=forms.RadioSelect,
    )
    gender = forms.ChoiceField(
        label=_("Are you a girl, a boy, or another way?"),
        choices=[*ReporterGender.choices, ("", _("I'd rather not say"))],
        required=False,
        widget=forms.RadioSelect,
    )
    province = ProvinceField(
        label=_("Where do you live?"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("I'd rather not say"),
    )
    contact_method = _contact_method_field()
    contact = _contact_field(_("Only if it is safe for you. We will never tell anyone you reported."))
    reply_language = forms.ChoiceField(
        label=_("Which language do you want us to write to you in? (you can skip this)"),
        choices=WritingLanguage.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Please choose one of these languages, or skip this question.")},
    )
    source = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    form_token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    # A honeypot: people never see or fill it; programs that fill every box do.
    website_url = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, provinces: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_limit(self, "province", provinces)

    def harm_options(self) -> list[tuple[Any, str]]:
        return [(box, HARM_ICONS.get(box.data["value"], "")) for box in self["harms"]]

    def url_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in URL_FIELDS]

    def clean_url1(self) -> str:
        return _normalise_url(self.cleaned_data.get("url1", ""))

    def clean_url2(self) -> str:
        return _normalise_url(self.cleaned_data.get("url2", ""))

    def clean_url3(self) -> str:
        return _normalise_url(self.cleaned_data.get("url3", ""))

    def clean_source(self) -> str:
        return source_from_link(self.cleaned_data.get("source", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("harms") and not data.get("description") and "description" not in self.errors:
            self.add_error(
                "harms",
                ValidationError(
                    _("Choose at least one thing that happened, or tell us in your own words."),
                    code="required",
                ),
            )
        _check_contact(self, data)
        return data

    @property
    def is_honeypot_filled(self) -> bool:
        return bool(self.data.get("website_url", "").strip())

    def content(self) -> ReportContent:
        data = self.cleaned_data
        method = data.get("contact_method") or ContactMethod.NONE
        return ReportContent(
            about=data["about"],
            safe_now=data["safe_now"],
            harms=list(data.get("harms") or []),
            description=data.get("description", "").strip(),
            platform=data.get("platform", ""),
            urls=[data[name] for name in URL_FIELDS if data.get(name)],
            source=data.get("source", ""),
            happened=data.get("happened", ""),
            age_band=data.get("age_band", ""),
            gender=data.get("gender", ""),
            province=data.get("province"),
            contact_method=method,
            contact=(data.get("contact") or "").strip() if method != ContactMethod.NONE else "",
            reply_language=data.get("reply_language", ""),
        )


class ChatStartForm(KindForm):
    """The web chat's first message: only what a person needs to answer at once."""

    safe_now = ReportForm.base_fields["safe_now"]
    description = forms.CharField(
        label=_("Write your first message"),
        help_text=_("Say what is happening, in your own words. You do not have to write names."),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your message first."), "max_length": _TOO_LONG},
    )
    reply_language = ReportForm.base_fields["reply_language"]
    form_token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    website_url = ReportForm.base_fields["website_url"]

    @property
    def is_honeypot_filled(self) -> bool:
        return bool(self.data.get("website_url", "").strip())

    def content(self) -> ReportContent:
        data = self.cleaned_data
        return ReportContent(
            about="",
            safe_now=data["safe_now"],
            description=data["description"].strip(),
            reply_language=data.get("reply_language", ""),
        )


class ThreadOpenForm(KindForm):
    reference = forms.CharField(
        label=_("Your code"),
        help_text=_("It looks like ABCD-2345."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Please write your code.")},
    )
    passphrase = forms.CharField(
        label=_("Your secret number"),
        help_text=_("12 numbers. Spaces do not matter."),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        error_messages={"required": _("Please write your secret number.")},
    )
    # A reply written before the page timed out, carried back into the thread.
    pending = forms.CharField(required=False, max_length=MESSAGE_MAX_LENGTH * 2, widget=forms.HiddenInput)


class ReporterMessageForm(KindForm):
    body = forms.CharField(
        label=_("Write back"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write your message first."),
            "max_length": _TOO_LONG,
        },
    )
    thread_token = forms.CharField(max_length=500, widget=forms.HiddenInput)
    form_token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


class StaffReplyForm(KindForm):
    body = forms.CharField(
        label=_("Your reply"),
        help_text=_(
            "The reporter reads this with their code. Warm, plain words; never blame; "
            "give the helpline number if they are not safe."
        ),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _TOO_LONG},
    )
    # The same reply sent twice (a double click, a resent form) adds one message.
    form_token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


# What happened with the picture: the few harms that fit, in the child's words.
BLOCK_IMAGE_HARMS = (Harm.THREATENED, Harm.PICTURES_SHARED, Harm.ASKED_FOR_PICTURES, Harm.OTHER)
_MD5 = re.compile(r"[0-9a-f]{32}")
_SHA256_OR_PDQ = re.compile(r"[0-9a-f]{64}")
_FILE_KEYS = {"kind", "md5", "sha256", "pdq", "quality"}
_HASHES_BROKEN = _(
    "Something went wrong with the codes made from your pictures. Nothing was sent. "
    "Please pick your pictures again."
)


def files_from_json(text: str) -> list[FileHashes]:
    """The hashes the page's script made, checked strictly; ValidationError for anything else."""
    try:
        data = json.loads(text)
    except ValueError:
        raise ValidationError(_HASHES_BROKEN, code="invalid") from None
    if not isinstance(data, list):
        raise ValidationError(_HASHES_BROKEN, code="invalid")
    if not data:
        raise ValidationError(_("Pick at least one picture or video first."), code="required")
    if len(data) > BLOCK_IMAGE_MAX_FILES:
        raise ValidationError(
            _("You can send up to %(limit)d files at a time. Send the others after this."),
            code="too_many",
            params={"limit": BLOCK_IMAGE_MAX_FILES},
        )
    files: list[FileHashes] = []
    for item in data:
        if not isinstance(item, dict) or not set(item) <= _FILE_KEYS:
            raise ValidationError(_HASHES_BROKEN, code="invalid")
        kind, md5, sha256 = item.get("kind"), item.get("md5"), item.get("sha256")
        pdq, quality = item.get("pdq"), item.get("quality")
        if kind not in FileKind.values or not isinstance(md5, str) or not isinstance(sha256, str):
            raise ValidationError(_HASHES_BROKEN, code="invalid")
        if not _MD5.fullmatch(md5) or not _SHA256_OR_PDQ.fullmatch(sha256):
            raise ValidationError(_HASHES_BROKEN, code="invalid")
        if pdq is None and quality is None:
            files.append(FileHashes(kind=kind, md5=md5, sha256=sha256))
            continue
        # PDQ describes pictures only, and always comes with its quality.
        if kind != FileKind.IMAGE or not isinstance(pdq, str) or not _SHA256_OR_PDQ.fullmatch(pdq):
            raise ValidationError(_HASHES_BROKEN, code="invalid")
        if not isinstance(quality, int) or isinstance(quality, bool) or not 0 <= quality <= 100:
            raise ValidationError(_HASHES_BROKEN, code="invalid")
        files.append(FileHashes(kind=kind, md5=md5, sha256=sha256, pdq=pdq, quality=quality))
    return files


class BlockImageForm(KindForm):
    """Only hashes and two optional answers: the pictures themselves are never part of this form."""

    hashes = forms.CharField(
        required=False,
        max_length=BLOCK_IMAGE_MAX_FILES * 400,
        widget=forms.HiddenInput,
        error_messages={"max_length": _HASHES_BROKEN},
    )
    harms = forms.MultipleChoiceField(
        label=_("What happened? (you can skip this)"),
        choices=[(harm.value, harm.label) for harm in BLOCK_IMAGE_HARMS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_method = _contact_method_field()
    contact = _contact_field(_("Only if it is safe for you. We will never tell anyone."))
    form_token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean_hashes(self) -> list[FileHashes]:
        return files_from_json(self.cleaned_data.get("hashes") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_contact(self, data)
        return data

    def content(self) -> ReportContent:
        data = self.cleaned_data
        method = data.get("contact_method") or ContactMethod.NONE
        return ReportContent(
            about=About.ME,
            safe_now="",
            harms=list(data.get("harms") or []),
            contact_method=method,
            contact=(data.get("contact") or "").strip() if method != ContactMethod.NONE else "",
        )

    def file_hashes(self) -> list[FileHashes]:
        files: list[FileHashes] = self.cleaned_data["hashes"]
        return files
