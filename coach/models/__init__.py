"""Persistence models (SQLAlchemy 2.0 typed mappings). Models never commit."""

from coach.models.api_token import ApiToken
from coach.models.audit import AuditEntry
from coach.models.calibration import (
    CalibrationBar,
    CalibrationLabel,
    CalibrationRound,
    CalibrationSample,
)
from coach.models.call import Call, CallScore, CallStatus, TranscriptVersion
from coach.models.certification import (
    AssignmentReason,
    AttemptAnswer,
    AttemptStatus,
    Certificate,
    CertificationAssignment,
    QuizAttempt,
)
from coach.models.coaching import (
    CallReview,
    FlaggedMoment,
    LineComment,
    PracticeAssignment,
    PracticeKind,
    ResponseState,
    ScoreOverride,
    ScoreResponse,
)
from coach.models.job import Job, JobKind, JobStatus
from coach.models.organisation import Organisation, Team, TeamMember
from coach.models.progress import (
    Activity,
    ActivityKind,
    RuleBreach,
    SkillObservationRow,
    SkillProfile,
)
from coach.models.question_edit import QuestionEdit
from coach.models.roleplay import RunStatus, RunTurn, ScenarioRun
from coach.models.session import SignInFailure, UserSession
from coach.models.user import Role, User, UserRole

__all__ = [
    "Activity",
    "ActivityKind",
    "ApiToken",
    "AssignmentReason",
    "AttemptAnswer",
    "AttemptStatus",
    "AuditEntry",
    "CalibrationBar",
    "CalibrationLabel",
    "CalibrationRound",
    "CalibrationSample",
    "Call",
    "CallReview",
    "CallScore",
    "CallStatus",
    "Certificate",
    "CertificationAssignment",
    "FlaggedMoment",
    "Job",
    "JobKind",
    "JobStatus",
    "LineComment",
    "Organisation",
    "PracticeAssignment",
    "PracticeKind",
    "QuestionEdit",
    "QuizAttempt",
    "ResponseState",
    "Role",
    "RuleBreach",
    "RunStatus",
    "RunTurn",
    "ScenarioRun",
    "ScoreOverride",
    "ScoreResponse",
    "SignInFailure",
    "SkillObservationRow",
    "SkillProfile",
    "Team",
    "TeamMember",
    "TranscriptVersion",
    "User",
    "UserRole",
    "UserSession",
]
