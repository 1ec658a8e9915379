"""Learning's models, one module per part: training records, the awareness library, posters."""

from childshield.learning.models.posters import Poster, SourceVisit
from childshield.learning.models.training import Attendance, Course, TestQuestion, TrainingSession

__all__ = ["Attendance", "Course", "Poster", "SourceVisit", "TestQuestion", "TrainingSession"]
