"""Importing members from a CSV file: every line read and checked for the preview, then exactly the
previewed file applied in one transaction (all of it or nothing), each new person invited."""

import csv
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from childshield.accounts.invitations import invitation_send
from childshield.accounts.models import Agency, Membership, Role, User, normalise_email
from childshield.accounts.permissions import Perm, Scope, require, roles_grantable
from childshield.accounts.services import membership_grant
from childshield.core.choices import WritingLanguage
from childshield.core.errors import ApplicationError

COLUMNS = ("email", "full_name", "agency", "role", "languages")
REQUIRED_COLUMNS = ("email", "full_name", "agency", "role")
_COLUMN_NAMES = {"email": "email", "e_mail": "email", "full_name": "full_name", "name": "full_name"} | {
    name: name for name in COLUMNS
}
MAX_BYTES = 512 * 1024
MAX_ROWS = 2000
# The file between its preview and "Import", kept in the session with its SHA-256.
SESSION_KEY = "member_import_file"


class Outcome(StrEnum):
    NEW_PERSON = "new_person"
    NEW_ROLE = "new_role"  # a person with an account, a role they do not hold
    ROLE_BACK = "role_back"  # a role the person held once, removed, given back
    ALREADY = "already"  # the person holds the role: a problem, the line would change nothing


@dataclass
class ImportLine:
    number: int
    email: str
    full_name: str
    agency_text: str
    role_text: str
    agency: Agency | None = None
    role: Role | None = None
    languages: list[str] = field(default_factory=list)
    outcome: Outcome | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    digest: str
    lines: list[ImportLine]
    file_problems: list[str]

    @property
    def problem_count(self) -> int:
        return len(self.file_problems) + sum(len(line.problems) for line in self.lines)

    @property
    def ready(self) -> bool:
        return bool(self.lines) and not self.problem_count

    @property
    def new_people(self) -> int:
        return len({line.email for line in self.lines if line.outcome == Outcome.NEW_PERSON})

    @property
    def new_roles(self) -> int:
        return sum(1 for line in self.lines if line.outcome in (Outcome.NEW_ROLE, Outcome.ROLE_BACK))


def file_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_text(data: bytes) -> str:
    """The file's text (UTF-8, with or without the mark spreadsheets put first); refused when too large."""
    if len(data) > MAX_BYTES:
        raise ApplicationError(
            _("The file is larger than %(kb)d KB. Split it into several files.") % {"kb": MAX_BYTES // 1024}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApplicationError(
            _('The file is not UTF-8 text. In your spreadsheet, save it as "CSV UTF-8".')
        ) from None


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def _records(text: str) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """The non-empty records with the line each starts on, and problems with reading the file."""
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text), strict=True)
    records: list[tuple[int, list[str]]] = []
    read_to = 0
    try:
        for record in reader:
            start, read_to = read_to + 1, reader.line_num
            if any(cell.strip() for cell in record):
                records.append((start, record))
    except csv.Error:
        return records, [_("Line %(line)d cannot be read as CSV (check its quotes).") % {"line": read_to + 1}]
    return records, []


def _header(record: list[str]) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    problems = []
    for index, name in enumerate(record):
        key = re.sub(r"[\s\-]+", "_", name.strip().lower())
        column = _COLUMN_NAMES.get(key)
        if column is None:
            problems.append(_('The column "%(name)s" is not one this import reads.') % {"name": name.strip()})
        elif column in columns:
            problems.append(_('The column "%(name)s" is there twice.') % {"name": column})
        else:
            columns[column] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.append(
            _("The first line must name the columns; missing: %(names)s.") % {"names": ", ".join(missing)}
        )
    return columns, problems


def _role_names(acting_language: str | None) -> dict[str, Role]:
    """Each role by its value and its English label (and the label in the page's language)."""
    names: dict[str, Role] = {}
    for language in ("en", acting_language or "en"):
        with translation.override(language):
            names.update({str(role.label).casefold(): role for role in Role})
    names.update({role.value: role for role in Role})
    return names


class _Agencies:
    """Agencies by short code (or "VN:CODE" where two countries share one), told apart by whether the
    acting person may add members to them."""

    def __init__(self, acting: Membership) -> None:
        scope = require(acting, Perm.MEMBERS_MANAGE)
        self.by_code: dict[str, list[Agency]] = defaultdict(list)
        for agency in Agency.objects.all():
            self.by_code[agency.short_code.upper()].append(agency)
            self.by_code[f"{agency.country}:{agency.short_code}".upper()].append(agency)
        self.every_agency = scope == Scope.ALL
        self.own_agency_id = acting.agency_id

    def in_scope(self, agency: Agency) -> bool:
        return agency.is_active and (self.every_agency or agency.pk == self.own_agency_id)

    def find(self, text: str) -> tuple[Agency | None, str]:
        code = re.sub(r"\s+", "", text).upper()
        if not code:
            return None, _("The agency's short code is missing.")
        found = self.by_code.get(code, [])
        usable = [agency for agency in found if self.in_scope(agency)]
        if len(usable) == 1:
            return usable[0], ""
        if len(usable) > 1:
            return None, _(
                "Several agencies have the code %(code)s: write the country first, e.g. %(example)s."
            ) % {
                "code": code,
                "example": f"{usable[0].country}:{code}",
            }
        if found and all(agency.is_active for agency in found):
            return None, _("You cannot add members to %(code)s: only to your own agency.") % {"code": code}
        if found:
            return None, _("The agency %(code)s is switched off.") % {"code": code}
        return None, _("No agency has the short code %(code)s.") % {"code": code}


def _cell(record: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return record[index].strip() if index is not None and index < len(record) else ""


def _read_line(number: int, record: list[str], columns: dict[str, int], roles: dict[str, Role]) -> ImportLine:
    line = ImportLine(
        number=number,
        email=normalise_email(_cell(record, columns, "email")),
        full_name=" ".join(_cell(record, columns, "full_name").split()),
        agency_text=_cell(record, columns, "agency"),
        role_text=_cell(record, columns, "role"),
    )
    if len(record) > len(columns) and any(cell.strip() for cell in record[len(columns) :]):
        line.problems.append(_("This line has more cells than the first line has columns."))
    try:
        validate_email(line.email)
    except ValidationError:
        line.problems.append(
            _('"%(email)s" is not an e-mail address.') % {"email": line.email}
            if line.email
            else _("The e-mail address is missing.")
        )
    if len(line.full_name) > 200:
        line.problems.append(_("The name is longer than 200 characters."))
    role_key = line.role_text.casefold()
    line.role = roles.get(role_key) or roles.get(re.sub(r"[\s\-]+", "_", role_key))
    if line.role is None:
        line.problems.append(
            _('"%(role)s" is not a role.') % {"role": line.role_text}
            if line.role_text
            else _("The role is missing.")
        )
    codes = [code for code in re.split(r"[\s,;|/]+", _cell(record, columns, "languages").lower()) if code]
    unknown = [code for code in codes if code not in WritingLanguage.values]
    if unknown:
        line.problems.append(
            _("Unknown language code: %(codes)s (use %(known)s).")
            % {"codes": ", ".join(unknown), "known": ", ".join(WritingLanguage.values)}
        )
    line.languages = [code for code in WritingLanguage.values if code in codes]
    return line


def _check_against_the_file(lines: list[ImportLine]) -> None:
    """The same member twice, and one new person given two names, each told on both lines."""
    first_of: dict[tuple[str, int, str], ImportLine] = {}
    named: dict[str, ImportLine] = {}
    for line in lines:
        if line.agency is not None and line.role is not None:
            key = (line.email, line.agency.pk, line.role.value)
            earlier = first_of.setdefault(key, line)
            if earlier is not line:
                earlier.problems.append(_("Line %(line)d repeats this member.") % {"line": line.number})
                line.problems.append(_("This member is on line %(line)d already.") % {"line": earlier.number})
        if line.full_name:
            other = named.setdefault(line.email, line)
            if other.full_name != line.full_name:
                line.problems.append(
                    _("Line %(line)d gives this person another name.") % {"line": other.number}
                )


def _check_against_the_database(lines: list[ImportLine], acting: Membership) -> None:
    emails = {line.email for line in lines}
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    held = {
        (membership.user_id, membership.agency_id, membership.role): membership.is_active
        for membership in Membership.objects.filter(user__in=users.values())
    }
    grantable = roles_grantable(acting)
    for line in lines:
        if line.role is not None and line.role not in grantable:
            line.problems.append(
                _("You cannot give the role %(role)s: only a system administrator can.")
                % {"role": line.role.label}
            )
        user = users.get(line.email)
        if user is None:
            line.outcome = Outcome.NEW_PERSON
            if not line.full_name:
                line.problems.append(_("A new person needs a full name."))
            continue
        if not user.is_active:
            line.problems.append(_("This person's account is switched off. Ask a system administrator."))
        if line.agency is None or line.role is None:
            continue
        active = held.get((user.pk, line.agency.pk, line.role.value))
        if active is None:
            line.outcome = Outcome.NEW_ROLE
        elif active:
            line.outcome = Outcome.ALREADY
            line.problems.append(_("This person already has that role in this agency."))
        else:
            line.outcome = Outcome.ROLE_BACK


def member_import_preview(*, acting: Membership, text: str) -> ImportPreview:
    """Every line of the file, what importing it would do, and every problem with its line number."""
    agencies = _Agencies(acting)
    preview = ImportPreview(digest=file_digest(text), lines=[], file_problems=[])
    records, preview.file_problems = _records(text)
    if not records:
        preview.file_problems.append(_("The file is empty."))
        return preview
    columns, header_problems = _header(records[0][1])
    preview.file_problems.extend(header_problems)
    if header_problems:
        return preview
    if len(records) - 1 > MAX_ROWS:
        preview.file_problems.append(
            _("The file has more than %(rows)d members. Split it.") % {"rows": MAX_ROWS}
        )
        return preview
    roles = _role_names(translation.get_language())
    for number, record in records[1:]:
        line = _read_line(number, record, columns, roles)
        line.agency, agency_problem = agencies.find(line.agency_text)
        if agency_problem:
            line.problems.append(agency_problem)
        preview.lines.append(line)
    if not preview.lines and not preview.file_problems:
        preview.file_problems.append(_("The file names its columns but has no members."))
    _check_against_the_file(preview.lines)
    _check_against_the_database(preview.lines, acting)
    return preview


@transaction.atomic
def member_import_apply(
    *, acting: Membership, request: HttpRequest, text: str, digest: str
) -> tuple[list[Membership], ImportPreview]:
    """Apply the file whose preview was shown (`digest`, its SHA-256): every line or none. Refused when
    `text` is not the previewed file, or has a problem now (someone changed the members meanwhile)."""
    require(acting, Perm.MEMBERS_MANAGE)
    if not text or file_digest(text) != digest:
        raise ApplicationError(
            _(
                "This is not the file you checked: it was imported already, or another upload replaced "
                "it. Upload the file again."
            ),
            code="changed",
        )
    preview = member_import_preview(acting=acting, text=text)
    if not preview.ready:
        raise ApplicationError(
            _("The members changed since the preview, and the file has problems now: see them below."),
            code="invalid",
            extra={"preview": preview},
        )
    memberships: list[Membership] = []
    invited: set[int] = set()
    reason = f"imported from a CSV file (sha256 {digest[:12]})"
    try:
        with transaction.atomic():
            for line in preview.lines:
                assert line.agency is not None and line.role is not None
                membership, created = membership_grant(
                    acting=acting,
                    agency=line.agency,
                    email=line.email,
                    full_name=line.full_name,
                    role=line.role,
                    languages=line.languages,
                    reason=reason,
                )
                memberships.append(membership)
                if created:
                    invited.add(membership.user_id)
    except IntegrityError:
        raise ApplicationError(
            _("Someone added some of these members at the same time. Upload the file again to check it."),
            code="conflict",
        ) from None
    for membership in memberships:
        if membership.user_id in invited:
            invited.discard(membership.user_id)
            invitation_send(user=membership.user, request=request)
    return memberships, preview


def member_import_template(*, acting: Membership) -> str:
    """A CSV file to fill in: the columns and two example lines for the acting person's agency."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    code = acting.agency.short_code
    writer.writerow(["first.person@example.org", "First Person", code, Role.CASE_WORKER.value, "vi en"])
    writer.writerow(["second.person@example.org", "Second Person", code, Role.CASE_SUPERVISOR.value, ""])
    return out.getvalue()
