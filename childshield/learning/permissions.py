"""Who may do what in learning. Training: a focal point, a case or helpline supervisor and an agency's
administrator record their agency's sessions and see who in it is trained (scope AGENCY: sessions
their agency recorded or whose staff attended); system administrators and programme managers see
every session (scope ALL) and record none."""

from enum import StrEnum

from childshield.accounts.models import Role
from childshield.accounts.permissions import PermissionSet, Scope, declare


class LearningPerm(StrEnum):
    # Training sessions, their attendance and scores, certificates, who is trained and when again.
    TRAINING_VIEW = "learning.view_training"
    # A session recorded: its course, day, place, trainer, agencies, attendees and their scores.
    TRAINING_RECORD = "learning.record_training"
    # The library's editorial pages: every article, its versions in each language and their history.
    LIBRARY_VIEW = "learning.view_library"
    # An article's draft written or changed in one language, and sent for review.
    LIBRARY_WRITE = "learning.write_articles"
    # A version sent for review published (never one's own) or sent back with a note; an app guide
    # marked checked against the app today.
    LIBRARY_REVIEW = "learning.review_articles"
    # A poster for a school or commune (its source link, language, paper) made and printed.
    POSTERS_MAKE = "learning.make_posters"


_TRAINING_RECORDERS = (Role.FOCAL_POINT, Role.CASE_SUPERVISOR, Role.HELPLINE_SUPERVISOR, Role.AGENCY_ADMIN)

_GRANTS: dict[Role, dict[LearningPerm, Scope]] = {role: {} for role in Role}
for _role in _TRAINING_RECORDERS:
    _GRANTS[_role] |= {LearningPerm.TRAINING_VIEW: Scope.AGENCY, LearningPerm.TRAINING_RECORD: Scope.AGENCY}
for _role in (Role.SYSTEM_ADMIN, Role.PROGRAMME_MANAGER):
    _GRANTS[_role] |= {LearningPerm.TRAINING_VIEW: Scope.ALL}
# The library: authors write, a second person reviews and publishes (the service refuses an author's
# own version); the content is the country's, the same for every agency (scope ALL).
for _role in (Role.FOCAL_POINT, Role.HELPLINE_SUPERVISOR, Role.CASE_SUPERVISOR):
    _GRANTS[_role] |= {LearningPerm.LIBRARY_VIEW: Scope.ALL, LearningPerm.LIBRARY_WRITE: Scope.ALL}
for _role in (Role.HELPLINE_SUPERVISOR, Role.CASE_SUPERVISOR, Role.PROGRAMME_MANAGER, Role.SYSTEM_ADMIN):
    _GRANTS[_role] |= {LearningPerm.LIBRARY_VIEW: Scope.ALL, LearningPerm.LIBRARY_REVIEW: Scope.ALL}
# Posters: a focal point or an agency's administrator for their agency's schools and communes; a
# programme manager and a system administrator for any (every poster is listed for them).
for _role in (Role.FOCAL_POINT, Role.AGENCY_ADMIN):
    _GRANTS[_role] |= {LearningPerm.POSTERS_MAKE: Scope.AGENCY}
for _role in (Role.PROGRAMME_MANAGER, Role.SYSTEM_ADMIN):
    _GRANTS[_role] |= {LearningPerm.POSTERS_MAKE: Scope.ALL}

LEARNING = declare(
    PermissionSet(perms=LearningPerm, grants={role: grants for role, grants in _GRANTS.items() if grants})
)
