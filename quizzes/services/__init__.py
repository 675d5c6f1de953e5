"""Quiz writes: attempts (taking quizzes) and banks (importing questions)."""

from .attempts import (
    AttemptClosed,
    AttemptLimitReached,
    CooldownActive,
    InvalidAnswer,
    NoQuestions,
    QuizError,
    attempt_answer_save,
    attempt_start,
    attempt_submit,
    attempts_close_expired,
    draw_questions,
)
from .banks import duplicates_in, question_bank_as_parsed, question_bank_import

__all__ = [
    "AttemptClosed",
    "AttemptLimitReached",
    "CooldownActive",
    "InvalidAnswer",
    "NoQuestions",
    "QuizError",
    "attempt_answer_save",
    "attempt_start",
    "attempt_submit",
    "attempts_close_expired",
    "draw_questions",
    "duplicates_in",
    "question_bank_as_parsed",
    "question_bank_import",
]
