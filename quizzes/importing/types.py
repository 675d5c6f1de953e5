from dataclasses import dataclass, field
from decimal import Decimal

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"
FILL = "fill"
QUESTION_TYPES = (SINGLE, MULTIPLE, TRUE_FALSE, FILL)
# What a question's stem may keep (Question.stem's rich-text features; imports clean to them).
STEM_FEATURES = ["bold", "italic", "ol", "ul", "link"]


@dataclass
class ParsedQuestion:
    """One question read from a file, before it is written to a bank."""

    line: int  # row (spreadsheets) or line (text formats) where the question starts, 1-based
    type: str  # one of QUESTION_TYPES
    stem: str  # plain text
    options: list[str] = field(default_factory=list)  # single and multiple choice only
    correct: list[int] = field(default_factory=list)  # indexes into options
    true_false_answer: bool | None = None  # true/false only
    accepted_answers: list[str] = field(default_factory=list)  # fill-in only
    # Moodle's richer questions: the stem as cleaned rich text ([html], [markdown]), partial
    # credit in percent per option or accepted answer (None: the tick decides), and feedback.
    stem_html: str = ""
    option_weights: list[Decimal | None] = field(default_factory=list)
    option_feedback: list[str] = field(default_factory=list)
    answer_weights: list[Decimal] = field(default_factory=list)
    answer_feedback: list[str] = field(default_factory=list)
    true_false_feedback: tuple[str, str] = ("", "")  # for the right answer, for the wrong one
    score: Decimal = Decimal("1")
    explanation: str = ""
    difficulty: int = 2  # 1 easy, 2 medium, 3 hard
    tags: list[str] = field(default_factory=list)
