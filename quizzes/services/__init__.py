"""Quiz writes: attempts (taking quizzes) and banks (importing questions)."""

from .attempts import (
    AttemptClosed,
    AttemptLimitReached,
    CooldownActive,
    InvalidAnswer,
    NoQuestions,
    QuizError,
    attempt_answer_save,
    attempt_close_if_expired,
    attempt_start,
    attempt_submit,
    attempts_close_expired,
    draw_questions,
    grace,
)
from .banks import question_bank_as_parsed, question_bank_import

__all__ = [
    "AttemptClosed",
    "AttemptLimitReached",
    "CooldownActive",
    "InvalidAnswer",
    "NoQuestions",
    "QuizError",
    "attempt_answer_save",
    "attempt_close_if_expired",
    "attempt_start",
    "attempt_submit",
    "attempts_close_expired",
    "draw_questions",
    "grace",
    "question_bank_as_parsed",
    "question_bank_import",
]
