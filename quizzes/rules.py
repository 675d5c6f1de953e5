"""What makes a question answerable and a quiz's draw possible: checked when a trainer saves one
in the admin, with messages in the trainer's language."""

from decimal import Decimal

from django.utils.translation import gettext as _

from .importing.types import FILL, MULTIPLE, SINGLE, TRUE_FALSE


def question_problems(
    *, type: str, options: list[tuple[str, bool]], accepted_answers: list[str]
) -> list[str]:
    """Why an official could not answer this question correctly, or nothing. `options` are the
    (text, correct) pairs the form keeps."""
    correct = sum(1 for _text, is_correct in options if is_correct)
    if type == SINGLE:
        problems = []
        if len(options) < 2:
            problems.append(_("A single-choice question needs at least two options."))
        if correct != 1:
            problems.append(
                _("A single-choice question needs exactly one correct option; %(count)s are ticked.")
                % {"count": correct}
            )
        return problems
    if type == MULTIPLE:
        problems = []
        if len(options) < 2:
            problems.append(_("A multiple-choice question needs at least two options."))
        if correct < 1:
            problems.append(_("A multiple-choice question needs at least one correct option."))
        return problems
    if type == TRUE_FALSE:
        if len(options) != 2 or correct != 1:
            return [
                _(
                    "A true/false question needs its correct answer: pick it under “Correct answer "
                    "(true/false)”, or give exactly two options and tick one."
                )
            ]
        return []
    if type == FILL:
        problems = [] if accepted_answers else [_("A fill-in question needs at least one accepted answer.")]
        if options:
            problems.append(_("A fill-in question has no options; remove them."))
        return problems
    return []


def effective_weights(*, type: str, weights: list, ticks: list[bool]) -> list[Decimal] | None:
    """Each option's share of the score as grading uses it (frozen at the draw), or None when no
    option has a weight and the ticks decide. An option left without a weight earns nothing if
    unticked, else its part of full marks."""
    if all(weight is None for weight in weights):
        return None
    right = sum(ticks)
    default = Decimal("100") / right if type == MULTIPLE and right else Decimal("100")
    return [
        Decimal(weight) if weight is not None else default if tick else Decimal("0")
        for weight, tick in zip(weights, ticks, strict=True)
    ]


def weights_problem(*, type: str, weights: list, ticks: list[bool]) -> str | None:
    """Why partial credit as given makes full marks impossible or misleading, or nothing."""
    shares = effective_weights(type=type, weights=weights, ticks=ticks)
    if shares is None:
        return None
    if type != MULTIPLE:
        full = [index for index, share in enumerate(shares) if share >= 100]
        if full != [index for index, tick in enumerate(ticks) if tick]:
            return _("With weights, the ticked option must be the only one worth full marks.")
        return None
    positive = sum(share for share in shares if share > 0)
    # Thirds are written 33.33: 99.99 % is full marks.
    if abs(positive - 100) > Decimal("0.05"):
        return _(
            "The positive weights of a multiple-choice question must add up to 100%%; they add up "
            "to %(total)s%%."
        ) % {"total": f"{positive.normalize():f}"}
    return None


def draw_problem(*, bank_name: str, available: int, wanted: int) -> str | None:
    if wanted > available:
        return _(
            "The bank “%(bank)s” has only %(available)s matching questions; %(wanted)s cannot be drawn."
        ) % {
            "bank": bank_name,
            "available": available,
            "wanted": wanted,
        }
    return None
