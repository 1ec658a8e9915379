"""Survivor case management's data: every model, imported here so Django registers them."""

from childshield.cases.models.assessments import Assessment, AssessmentForm
from childshield.cases.models.assignments import CaseAssignment
from childshield.cases.models.break_glass import BreakGlassAccess
from childshield.cases.models.cases import Case, CaseNumberCounter, CaseStatusChange
from childshield.cases.models.children import Child, ChildDuplicateKey, ChildLinkRequest, ChildNamePart
from childshield.cases.models.closure import ClosureRequest
from childshield.cases.models.consent import Consent
from childshield.cases.models.feedback import FeedbackInvitation, FeedbackResponse
from childshield.cases.models.notes import Attachment, CaseNote
from childshield.cases.models.people_who_harmed import PersonWhoHarmed
from childshield.cases.models.plan import FollowUp, Service
from childshield.cases.models.referrals import Referral, ReferralDeadlineAlert, ReferralUpdate

__all__ = [
    "Assessment",
    "AssessmentForm",
    "Attachment",
    "BreakGlassAccess",
    "Case",
    "CaseAssignment",
    "CaseNote",
    "CaseNumberCounter",
    "CaseStatusChange",
    "Child",
    "ChildDuplicateKey",
    "ChildLinkRequest",
    "ChildNamePart",
    "ClosureRequest",
    "Consent",
    "FeedbackInvitation",
    "FeedbackResponse",
    "FollowUp",
    "PersonWhoHarmed",
    "Referral",
    "ReferralDeadlineAlert",
    "ReferralUpdate",
    "Service",
]
