"""What is held about the person a data-subject request is about, decrypted, as sections of records
for the JSON export and its printable page.

Each kind of person is shown what is recorded about them and nothing of anyone else: a staff member
their account, memberships and the audit events they made (without the events' reasons, which may
quote others); someone who reported their report's answers and thread (staff named "Helpline", not
by name); a child their record and their cases' facts (the workers' words, which may name the person
who harmed or the reporter, are left for the case's agency to review); a caregiver their own entry;
and a person who harmed only the fields recorded about them: never the child, the case, its number,
the report, the reporter, another person or a member of staff.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from childshield.accounts.models import Membership, User
from childshield.audit.models import AuditEvent
from childshield.cases.models import Case, Child, PersonWhoHarmed
from childshield.intake.models import Report
from childshield.operations.models import SubjectKind, SubjectRequest
from childshield.operations.subject_lookup import withheld, withheld_words


@dataclass
class Section:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    records: list[dict[str, Any]] = field(default_factory=list)

    def rows(self) -> list[list[Any]]:
        """Each record's values in the columns' order, for the page."""
        return [[record.get(key, "") for key, _label in self.columns] for record in self.records]

    def fields(self) -> list[tuple[str, Any]]:
        """(label, value) of a section's one record, for the page."""
        record = self.records[0] if self.records else {}
        return [(label, record.get(key, "")) for key, label in self.columns]

    def as_json(self) -> list[dict[str, Any]]:
        return self.records


@dataclass
class Export:
    request_id: int
    about: str
    sections: list[Section]
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "request": self.request_id,
            "about": self.about,
            "notes": self.notes,
            **{section.key: section.as_json() for section in self.sections},
        }


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if value is None:
        return ""
    return value


def _section(key: str, title: str, columns: list[tuple[str, str]], records: list[dict[str, Any]]) -> Section:
    return Section(
        key, title, columns, [{name: _value(row.get(name)) for name, _l in columns} for row in records]
    )


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("yes") if value else _("no"))


# Each kind of person -----------------------------------------------------------------------------------


def _staff_user(user: User) -> list[Section]:
    account = _section(
        "account",
        _("Account"),
        [
            ("email", _("E-mail address")),
            ("full_name", _("Full name")),
            ("active", _("Active")),
            ("joined", _("Joined")),
            ("languages", _("Languages")),
        ],
        [
            {
                "email": user.email,
                "full_name": user.full_name,
                "active": _yes_no(user.is_active),
                "joined": user.date_joined,
                "languages": list(user.languages or []),
            }
        ],
    )
    memberships = Membership.objects.filter(user=user).select_related("agency").order_by("created_at", "pk")
    member_rows = [
        {
            "agency": member.agency.name,
            "role": member.get_role_display(),
            "active": _yes_no(member.is_active),
            "since": member.created_at,
        }
        for member in memberships
    ]
    events = AuditEvent.objects.filter(actor_id=str(user.pk)).order_by("occurred_at", "pk")
    event_rows = [
        {
            "when": event.occurred_at,
            "action": event.get_action_display(),
            "record": event.object_type,
            "record_id": event.object_id,
            "agency": event.agency_label,
        }
        for event in events.iterator()
    ]
    return [
        account,
        _section(
            "memberships",
            _("Memberships"),
            [("agency", _("Agency")), ("role", _("Role")), ("active", _("Active")), ("since", _("Since"))],
            member_rows,
        ),
        _section(
            "audit_events",
            _("What they did, as the audit log records it"),
            [
                ("when", _("When")),
                ("action", _("Action")),
                ("record", _("Kind of record")),
                ("record_id", _("Record")),
                ("agency", _("Acting for")),
            ],
            event_rows,
        ),
    ]


def _reporter(report: Report) -> list[Section]:
    answers = {
        "received": report.created_at,
        "channel": report.get_channel_display(),
        "about": report.get_about_display(),
        "harms": report.harm_labels(),
        "description": report.description,
        "platform": report.get_platform_display(),
        "urls": list(report.urls or []),
        "happened": report.get_happened_display(),
        "safe_now": report.get_safe_now_display(),
        "age": report.get_age_band_display(),
        "gender": report.get_gender_display(),
        "province": report.province.name_en if report.province else "",
        "contact_method": report.get_contact_method_display(),
        "contact": report.contact or "",
        "language": report.language_label(),
    }
    columns = [
        ("received", _("Received")),
        ("channel", _("Channel")),
        ("about", _("About whom")),
        ("harms", _("What happened")),
        ("description", _("In their own words")),
        ("platform", _("Where")),
        ("urls", _("Web addresses")),
        ("happened", _("When")),
        ("safe_now", _("Safe now")),
        ("age", _("Age")),
        ("gender", _("Gender")),
        ("province", _("Province")),
        ("contact_method", _("May we contact")),
        ("contact", _("Contact")),
        ("language", _("Language")),
    ]
    messages = [
        {
            "sent": message.created_at,
            "from": message.get_sender_display(),
            "kind": message.get_kind_display(),
            "words": message.body,
        }
        for message in report.messages.order_by("created_at", "pk")
    ]
    return [
        _section("report", _("The report"), columns, [answers]),
        _section(
            "messages",
            _("Messages in the report's thread"),
            [("sent", _("Sent")), ("from", _("From")), ("kind", _("Kind")), ("words", _("Words"))],
            messages,
        ),
    ]


def _child(child: Child) -> list[Section]:
    record = {
        "full_name": child.full_name,
        "other_names": list(child.aliases or []),
        "date_of_birth": child.date_of_birth or "",
        "birth_year": child.birth_year,
        "sex": child.get_sex_display(),
        "gender": child.get_gender_display(),
        "ethnic_group": child.ethnicity,
        "languages": list(child.languages or []),
        "area": child.area.name_en,
        "school": child.school,
        "safe_contact": child.safe_contact,
        "caregivers": [
            f"{entry.get('name', '')} ({entry.get('relationship', '')})"
            for entry in child.caregivers or []
            if isinstance(entry, dict)
        ],
    }
    columns = [
        ("full_name", _("Full name")),
        ("other_names", _("Other names")),
        ("date_of_birth", _("Date of birth")),
        ("birth_year", _("Year of birth")),
        ("sex", _("Sex")),
        ("gender", _("Gender")),
        ("ethnic_group", _("Ethnic group")),
        ("languages", _("Languages")),
        ("area", _("Area")),
        ("school", _("School")),
        ("safe_contact", _("A safe way to contact the child")),
        ("caregivers", _("Caregivers")),
    ]
    cases = Case.objects.filter(child=child).select_related("agency").order_by("opened_at", "pk")
    case_rows = [
        {
            "number": case.number,
            "agency": case.agency.name,
            "status": case.get_status_display(),
            "opened": case.opened_at,
            "closed": case.closed_at,
            "harm_types": case.harm_type_labels(),
        }
        for case in cases
    ]
    return [
        _section("child", _("The child's record"), columns, [record]),
        _section(
            "cases",
            _("Cases"),
            [
                ("number", _("Case number")),
                ("agency", _("Managing agency")),
                ("status", _("Status")),
                ("opened", _("Opened")),
                ("closed", _("Closed")),
                ("harm_types", _("Harm types")),
            ],
            case_rows,
        ),
    ]


def _caregiver(child: Child, index: int) -> list[Section]:
    entries = [entry for entry in child.caregivers or [] if isinstance(entry, dict)]
    entry = entries[index]
    return [
        _section(
            "caregiver",
            _("What is recorded about you as a caregiver"),
            [("name", _("Name")), ("relationship", _("Relationship")), ("phone", _("Phone"))],
            [{name: str(entry.get(name, "")) for name in ("name", "relationship", "phone")}],
        )
    ]


def _person_who_harmed(person: PersonWhoHarmed) -> list[Section]:
    """Only the fields recorded about the person themself; their description with everything the case
    knows of anyone else withheld, in case a worker wrote it there."""
    return [
        _section(
            "recorded_about_you",
            _("What is recorded about you"),
            [
                ("description", _("Name, account or description")),
                ("relationship", _("Relationship")),
                ("contact", _("How they were in contact")),
                ("age_group", _("Adult or child")),
                ("identity_known", _("Identity known")),
                ("recorded_on", _("Recorded on")),
            ],
            [
                {
                    "description": withheld(person.description, withheld_words(person)),
                    "relationship": person.get_relationship_display(),
                    "contact": person.get_contact_display(),
                    "age_group": person.get_age_group_display(),
                    "identity_known": _yes_no(person.identity_known),
                    "recorded_on": person.added_at.date(),
                }
            ],
        )
    ]


def export_build(request: SubjectRequest) -> Export:
    """What is held about the request's subject (the caller has checked the identity and audits)."""
    assert request.subject_id is not None
    kind = request.subject_kind
    notes: list[str] = []
    if kind == SubjectKind.STAFF_USER:
        sections = _staff_user(User.objects.get(pk=request.subject_id))
    elif kind == SubjectKind.REPORTER:
        sections = _reporter(Report.objects.select_related("province").get(pk=request.subject_id))
    elif kind == SubjectKind.CHILD:
        sections = _child(Child.objects.select_related("area").get(pk=request.subject_id))
        notes.append(
            _(
                "The workers' words in the cases (summary, notes, assessments) are not in this export: "
                "they may name other people. Ask the case's agency to review them for the child."
            )
        )
    elif kind == SubjectKind.CAREGIVER:
        sections = _caregiver(Child.objects.get(pk=request.subject_id), request.subject_part or 0)
    elif kind == SubjectKind.PERSON_WHO_HARMED:
        sections = _person_who_harmed(PersonWhoHarmed.objects.get(pk=request.subject_id))
        notes.append(
            _(
                "Only what is recorded about this person. Words that name anyone else in the record "
                "are withheld (marked […]); read the description before sending it."
            )
        )
    else:
        raise ValueError(f"no export for {kind!r}")
    return Export(request_id=request.pk, about=str(SubjectKind(kind).label), sections=sections, notes=notes)
