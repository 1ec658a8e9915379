"""The library's staff forms: an article's first draft, a draft's words, a reviewer's decision, an app
guide's check."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Role
from childshield.learning.models.library import ArticleKind, Audience

BODY_HELP = _(
    "Plain words, no HTML. A blank line starts a new paragraph. “## ” starts a heading, “- ” a list "
    "item, “1. ” a numbered step, “> Name: words” a chat message. **Two stars** make words strong; "
    "[words](/vi/report/) links to a page of this site."
)


class VersionTextForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("One-line summary"), max_length=300, required=False)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 18}), help_text=BODY_HELP)


class ArticleNewForm(VersionTextForm):
    slug = forms.SlugField(
        label=_("Address"), max_length=80, help_text=_("Short, in Latin letters and dashes: safe-chatting")
    )
    audience = forms.ChoiceField(label=_("Written for"), choices=Audience.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    owner_role = forms.ChoiceField(
        label=_("Role that keeps an app guide checked"),
        choices=[("", "—"), *Role.choices],
        required=False,
    )
    language = forms.ChoiceField(label=_("Language of this text"), choices=settings.LANGUAGES)

    field_order = ("slug", "audience", "kind", "owner_role", "language", "title", "summary", "body")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("publish", _("Publish it")), ("send_back", _("Send it back to the author"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when you send it back: say what should change."),
    )


class CheckedForm(forms.Form):
    checked_on = forms.DateField(
        label=_("Day the steps were checked in the app"), widget=forms.DateInput(attrs={"type": "date"})
    )
