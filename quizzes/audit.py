"""Every change to a quiz or a question is in the audit log the auditor reads (audit.history)."""

from audit.history import history_auditor

from .models import Question, Quiz

quizzes_history_audit = history_auditor({Quiz: "quiz", Question: "question"})
