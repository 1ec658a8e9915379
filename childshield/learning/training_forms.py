"""The form a session is recorded with, on a phone: the course and day, who attended, their scores.
It checks the shape of what was typed; the service checks the rules again."""

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, Membership
from childshield.learning.models import Course
from childshield.learning.services.training import GuestAttendee, Scores, SessionInput
from childshield.learning.training_selectors import course_max_score
from childshield.places.models import Area


class _CourseField(forms.ModelChoiceField[Course]):
    def label_from_instance(self, obj: Course) -> str:
        return obj.title


class _AreaField(forms.ModelChoiceField[Area]):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.name}, {obj.parent.name}" if obj.parent else obj.name


def _score_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )


# "Name, role" or "Name, role, before, after" (scores optional).
_GUEST_LINE = re.compile(
    r"^(?P<name>[^,]+),(?P<role>[^,]+)(?:,\s*(?P<pre>\d*)\s*(?:,\s*(?P<post>\d*)\s*)?)?$"
)


class SessionForm(forms.Form):
    course = _CourseField(label=_("Course"), queryset=Course.objects.none(), empty_label=None)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200, help_text=_("e.g. the commune hall, a school."))
    area = _AreaField(label=_("Commune"), queryset=Area.objects.none(), required=False)
    trainer = forms.CharField(label=_("Trainer"), max_length=200)
    agencies = forms.ModelMultipleChoiceField(
        label=_("Other agencies whose staff attended"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    guests = forms.CharField(
        label=_("People without an account"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Teachers, parents, community members: one a line, “Name, role”, and their scores if taken: "
            "“Name, role, before, after”."
        ),
    )
    children_count = forms.IntegerField(
        label=_("Children taking part"),
        min_value=0,
        initial=0,
        help_text=_("A number only: children are never named."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(
        self,
        *args: Any,
        courses: QuerySet[Course],
        members: QuerySet[Membership],
        agencies: QuerySet[Agency],
        areas: QuerySet[Area],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["agencies"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["held_on"].initial = timezone.localdate()
        self.members = list(members)
        for member in self.members:
            self.fields[f"attended_{member.pk}"] = forms.BooleanField(
                label=member.user.full_name, required=False
            )
            self.fields[f"pre_{member.pk}"] = _score_field(str(_("Score before")))
            self.fields[f"post_{member.pk}"] = _score_field(str(_("Score after")))

    main_names = ("course", "held_on", "place", "area", "trainer", "agencies")
    end_names = ("guests", "children_count")

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.main_names]

    def end_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.end_names]

    def member_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(self[f"attended_{m.pk}"], self[f"pre_{m.pk}"], self[f"post_{m.pk}"]) for m in self.members]

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("A session is recorded once it has taken place."))
        return held_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        course = cleaned.get("course")
        most = course_max_score(course) if course else None
        if most is not None:
            for member in self.members:
                for part in ("pre", "post"):
                    value = cleaned.get(f"{part}_{member.pk}")
                    if value is not None and value > most:
                        self.add_error(f"{part}_{member.pk}", _("At most %(max)s.") % {"max": most})
        self._guests = self._parse_guests(cleaned.get("guests", ""), most)
        picked = [m for m in self.members if cleaned.get(f"attended_{m.pk}")]
        if not picked and not self._guests and not cleaned.get("children_count") and not self.errors:
            raise forms.ValidationError(_("Say who attended: members, other people or children."))
        return cleaned

    def _parse_guests(self, text: str, most: int | None) -> list[GuestAttendee]:
        guests = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            match = _GUEST_LINE.match(line.strip())
            if match is None:
                self.add_error("guests", _("Line %(n)s: write “Name, role”.") % {"n": number})
                continue
            scores = Scores(
                pre=int(match["pre"]) if match["pre"] else None,
                post=int(match["post"]) if match["post"] else None,
            )
            if most is not None and any(s is not None and s > most for s in (scores.pre, scores.post)):
                self.add_error(
                    "guests", _("Line %(n)s: a score is at most %(max)s.") % {"n": number, "max": most}
                )
            guests.append(GuestAttendee(match["name"].strip(), match["role"].strip(), scores))
        return guests

    def session_input(self) -> SessionInput:
        data = self.cleaned_data
        return SessionInput(
            course=data["course"],
            held_on=data["held_on"],
            place=data["place"],
            trainer=data["trainer"],
            area=data.get("area"),
            agencies=list(data.get("agencies") or []),
            members={
                m: Scores(pre=data.get(f"pre_{m.pk}"), post=data.get(f"post_{m.pk}"))
                for m in self.members
                if data.get(f"attended_{m.pk}")
            },
            guests=self._guests,
            children_count=data.get("children_count") or 0,
        )
