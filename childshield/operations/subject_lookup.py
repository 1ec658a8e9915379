"""Finding the person a data-subject request is about, and the cases that person is linked to.

An administrator finds a staff member by e-mail, someone who reported by the report's code, and a
child, a caregiver or a person who harmed by the number of a case. What the candidates show is only
what is needed to tell them apart; for a person who harmed, nothing of the child or the case (their
own description, with the names of everyone else in the case withheld: `withheld_words`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import User, normalise_email
from childshield.cases.models import Case, Child, PersonWhoHarmed
from childshield.cases.models.cases import CaseStatus
from childshield.cases.numbers import number_matches
from childshield.intake.models import Report
from childshield.intake.references import normalise_reference
from childshield.operations.models import SubjectKind, SubjectRequest
from childshield.operations.retention_periods import period_days, rules
from childshield.operations.subject_request_terms import terms

WITHHELD = "[…]"
# Retention's kind for closed cases, where the country's file has one.
CLOSED_CASE = "closed_case"
# A search by case number lists at most this many cases' people.
MAX_CASES = 20


@dataclass(frozen=True)
class Candidate:
    """One person a search found: enough for the administrator to tell them apart."""

    kind: str
    record_id: int
    part: int | None
    label: str

    @property
    def key(self) -> str:
        """The candidate as the form sends it back: "<record id>" or "<record id>:<part>"."""
        return f"{self.record_id}" if self.part is None else f"{self.record_id}:{self.part}"


def _cases_numbered(number: str) -> QuerySet[Case]:
    number = number.strip()
    if not number:
        return Case.objects.none()
    return Case.objects.filter(number_matches(number)).select_related("child").order_by("pk")[:MAX_CASES]


def _caregivers(child: Child) -> list[dict[str, str]]:
    return [entry for entry in child.caregivers or [] if isinstance(entry, dict)]


def candidates_find(*, kind: str, query: str) -> list[Candidate]:
    """The people of `kind` that `query` (an e-mail, a report's code, a case number) names."""
    if kind == SubjectKind.STAFF_USER:
        user = User.objects.filter(email=normalise_email(query)).first()
        return [Candidate(kind, user.pk, None, f"{user.full_name} <{user.email}>")] if user else []
    if kind == SubjectKind.REPORTER:
        reference = normalise_reference(query)
        report = Report.objects.filter(reference=reference).first() if reference else None
        if report is None:
            return []
        label = _("A report received on %(date)s") % {"date": f"{report.created_at:%Y-%m-%d}"}
        return [Candidate(kind, report.pk, None, label)]
    found: list[Candidate] = []
    for case in _cases_numbered(query):
        if kind == SubjectKind.CHILD:
            found.append(Candidate(kind, case.child_id, None, case.child.full_name))
        elif kind == SubjectKind.CAREGIVER:
            for index, caregiver in enumerate(_caregivers(case.child)):
                label = f"{caregiver.get('name', '')} ({caregiver.get('relationship', '')})"
                found.append(Candidate(kind, case.child_id, index, label))
        elif kind == SubjectKind.PERSON_WHO_HARMED:
            for person in case.people_who_harmed.order_by("pk"):
                described = withheld(person.description, withheld_words(person)) or _("(no description)")
                label = (
                    f"{described} · {person.get_relationship_display()} · {person.get_age_group_display()}"
                )
                found.append(Candidate(kind, person.pk, None, label))
    unique = {(one.record_id, one.part): one for one in found}
    return list(unique.values())


def subject_exists(*, kind: str, record_id: int, part: int | None) -> bool:
    if kind == SubjectKind.STAFF_USER:
        return User.objects.filter(pk=record_id).exists()
    if kind == SubjectKind.REPORTER:
        return Report.objects.filter(pk=record_id).exists()
    if kind == SubjectKind.CHILD:
        return part is None and Child.objects.filter(pk=record_id).exists()
    if kind == SubjectKind.CAREGIVER:
        child = Child.objects.filter(pk=record_id).first()
        return child is not None and part is not None and 0 <= part < len(_caregivers(child))
    if kind == SubjectKind.PERSON_WHO_HARMED:
        return part is None and PersonWhoHarmed.objects.filter(pk=record_id).exists()
    return False


def subject_label(request: SubjectRequest) -> str:
    """The person a request is about, by kind and record number only (no name, no case, no code)."""
    if not request.subject_found:
        return _("Not found yet")
    kind = SubjectKind(request.subject_kind).label
    if request.subject_kind == SubjectKind.CAREGIVER and request.subject_part is not None:
        return _("%(kind)s: record %(id)s, caregiver %(number)s") % {
            "kind": kind,
            "id": request.subject_id,
            "number": request.subject_part + 1,
        }
    return _("%(kind)s: record %(id)s") % {"kind": kind, "id": request.subject_id}


# The cases a person is linked to, and the duty to keep them ---------------------------------------------


def _children_of(child_id: int) -> list[int]:
    """The child and the records merged into it (a link request joins two agencies' records)."""
    return [child_id, *Child.objects.filter(merged_into_id=child_id).values_list("pk", flat=True)]


def cases_linked(request: SubjectRequest) -> QuerySet[Case]:
    """Every case the request's subject is linked to."""
    record_id = request.subject_id
    kind = request.subject_kind
    if record_id is None:
        return Case.objects.none()
    if kind in (SubjectKind.CHILD, SubjectKind.CAREGIVER):
        return Case.objects.filter(child_id__in=_children_of(record_id))
    if kind == SubjectKind.PERSON_WHO_HARMED:
        return Case.objects.filter(people_who_harmed__pk=record_id)
    if kind == SubjectKind.REPORTER:
        return Case.objects.filter(source_report_id=record_id)
    if kind == SubjectKind.STAFF_USER:
        return Case.objects.filter(Q(lead_worker__user_id=record_id) | Q(supervisor__user_id=record_id))
    return Case.objects.none()


def case_kept_days() -> int | None:
    """How long after closing a case's duty still keeps it: the country's file's days, else the
    retention period of closed cases (until then retention keeps it too), else for ever (None)."""
    if terms().case_kept_days is not None:
        return terms().case_kept_days
    return period_days(CLOSED_CASE) if CLOSED_CASE in rules() else None


def kept_by_case_duty(request: SubjectRequest) -> bool:
    """Whether a child-protection duty keeps what the request is about: a linked case that is open,
    or closed within `case_kept_days`."""
    linked = cases_linked(request)
    kept_days = case_kept_days()
    if kept_days is None:
        return linked.exists()
    recent = Q(closed_at__gte=timezone.now() - timedelta(days=kept_days))
    return linked.filter(~Q(status=CaseStatus.CLOSED) | recent).exists()


# What a person who harmed is never shown ---------------------------------------------------------------


def withheld_words(person: PersonWhoHarmed) -> list[str]:
    """Everything the case knows of other people, to withhold from a person who harmed even where a
    worker wrote it into their description: the child's names, birth date, school and contacts, the
    caregivers', the case number, the report's code, the other people who harmed, the staff."""
    case = Case.objects.select_related("child", "source_report", "lead_worker__user", "supervisor__user").get(
        pk=person.case_id
    )
    child = case.child
    words: list[str] = [case.number, child.full_name, *re.split(r"\s+", child.full_name)]
    words += [str(alias) for alias in child.aliases or []]
    words += [child.date_of_birth or "", child.school, child.safe_contact]
    if child.date_of_birth:
        year, month, day = child.date_of_birth.split("-")
        words += [f"{day}/{month}/{year}", f"{int(day)}/{int(month)}/{year}"]
    for caregiver in _caregivers(child):
        words += [str(caregiver.get("name", "")), str(caregiver.get("phone", ""))]
    if case.source_report is not None:
        words += [case.source_report.reference, case.source_report.display_reference]
    others = PersonWhoHarmed.objects.filter(case_id=case.pk).exclude(pk=person.pk)
    words += [other.description for other in others]
    for member in (case.lead_worker, case.supervisor):
        if member is not None:
            words += [member.user.full_name, member.user.email]
    return [word for word in words if len(word.strip()) >= 2]


def withheld(text: str, words: Iterable[str]) -> str:
    """`text` with each of `words` (whole words, any case) replaced by a mark."""
    for word in sorted({word.strip() for word in words}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", WITHHELD, text, flags=re.IGNORECASE)
    return text
