"""The automatic part of a drill's grading: timeliness, verification accuracy, key facts present
(tolerant of wording), forbidden expressions absent, length within bounds.

Pure functions of a run's frozen script and the official's answer, so that the table of cases
is tested directly and the same checks flag a draft while it is written.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from .script import judged_injects

# Components of a written task's automatic percent, by weight.
TEXT_WEIGHTS = {"timeliness": 30, "facts": 40, "forbidden": 20, "length": 10}
VERIFY_WEIGHTS = {"timeliness": 20, "accuracy": 80}

# Besides spaces and punctuation, the invisible characters that could split a forbidden phrase
# (无\u200b可奉告): format characters (zero-width space and joiners, Cf) and combining marks are
# not word characters already; the Hangul fillers are letters by category, yet blank (NFKC
# turns U+3164 and U+FFA0 into U+1160).
_NOT_WORDS = re.compile(r"[\W_\u115f\u1160]+", re.UNICODE)


def normalised(text: str) -> str:
    """Compared after NFKC (full-width → half-width), case folding, and without spaces,
    punctuation or invisible characters, so “停止 供餐。” matches 停止供餐."""
    return _NOT_WORDS.sub("", unicodedata.normalize("NFKC", text or "").casefold())


# Characters a wording may insert between two of a key fact's (暂停供餐 in 暂停该校食堂供餐).
FACT_GAP = 4


def fact_found(fact: str, text: str) -> bool:
    """A key fact's line: alternatives separated by |, each of words that must all appear (&),
    a word's characters in order with a few others allowed between them."""
    haystack = normalised(text)
    for alternative in fact.split("|"):
        words = [normalised(word) for word in alternative.split("&")]
        words = [word for word in words if word]
        if words and all(_word_found(word, haystack) for word in words):
            return True
    return False


def _word_found(word: str, haystack: str) -> bool:
    """The word's characters in order, at most FACT_GAP others between two of them. Followed
    position by position, in time linear in the text: a regular expression (暂.{0,4}停...)
    backtracks exponentially in the word's length on a text repeating its characters, which
    an official who has read the key facts in a debrief could send."""
    ends = [position for position, character in enumerate(haystack) if character == word[0]]
    for character in word[1:]:
        ends = sorted(
            {
                position
                for end in ends
                for position in range(end + 1, min(end + FACT_GAP + 2, len(haystack)))
                if haystack[position] == character
            }
        )
    return bool(ends)


def forbidden_found(forbidden: list[dict], text: str) -> list[dict]:
    """The forbidden expressions the text uses, each once, in the order they appear in it."""
    haystack = normalised(text)
    found = [
        (position, item)
        for item in forbidden
        if (phrase := normalised(item["phrase"])) and (position := haystack.find(phrase)) >= 0
    ]
    return [item for _position, item in sorted(found, key=lambda pair: pair[0])]


def text_length(text: str) -> int:
    """Characters as an official counts them: without surrounding white space."""
    return len((text or "").strip())


def answer_check(*, script: dict, task: dict, text: str, marks: dict, sent_in_time: bool) -> dict:
    """The automatic checks of one task's answer and its percent."""
    if task["kind"] == "verify":
        return _verify_check(script=script, task=task, marks=marks, sent_in_time=sent_in_time)
    return _text_check(script=script, task=task, text=text, sent_in_time=sent_in_time)


def _verify_check(*, script: dict, task: dict, marks: dict, sent_in_time: bool) -> dict:
    items = judged_injects(script, task["due"])
    right = [
        inject["key"]
        for inject in items
        if (marks.get(inject["key"]) or {}).get("verdict") == inject["veracity"]
    ]
    wrong = [inject["key"] for inject in items if inject["key"] not in right]
    accuracy = Decimal(len(right) * 100) / len(items) if items else Decimal("100")
    parts = {"timeliness": Decimal(100 if sent_in_time else 0), "accuracy": accuracy}
    return {
        "in_time": sent_in_time,
        "right": right,
        "wrong": wrong,
        "accuracy": str(accuracy.quantize(Decimal("0.01"))),
        "percent": str(_weighted(parts, VERIFY_WEIGHTS)),
    }


def _text_check(*, script: dict, task: dict, text: str, sent_in_time: bool) -> dict:
    facts = task["key_facts"]
    found = [fact for fact in facts if fact_found(fact, text)]
    flagged = forbidden_found(script["forbidden"], text)
    length = text_length(text)
    length_ok = bool(length) and task["min_chars"] <= length <= task["max_chars"]
    parts = {
        "timeliness": Decimal(100 if sent_in_time and length else 0),
        "facts": Decimal(len(found) * 100) / len(facts) if facts else None,
        "forbidden": Decimal(0 if flagged or not length else 100),
        "length": Decimal(100 if length_ok else 0),
    }
    return {
        "in_time": sent_in_time,
        "facts_found": found,
        "facts_missed": [fact for fact in facts if fact not in found],
        "forbidden": flagged,
        "length": length,
        "length_ok": length_ok,
        "percent": str(_weighted(parts, TEXT_WEIGHTS)),
    }


def _weighted(parts: dict, weights: dict) -> Decimal:
    """The weighted mean of the parts that apply (None: not applicable)."""
    applicable = {name: value for name, value in parts.items() if value is not None}
    total = sum(weights[name] for name in applicable)
    score = sum(value * weights[name] for name, value in applicable.items())
    return (score / total).quantize(Decimal("0.01")) if total else Decimal("0")


def automatic_percent(script: dict, checks: dict[str, dict]) -> Decimal:
    """The run's automatic percent: its tasks' percents weighted by the tasks' weights; a task
    without an answer counts 0."""
    total = sum(task["weight"] for task in script["tasks"])
    if not total:
        return Decimal("0")
    earned = sum(
        Decimal(checks.get(task["key"], {}).get("percent", "0")) * task["weight"] for task in script["tasks"]
    )
    return (earned / total).quantize(Decimal("0.01"))


def combined_percent(script: dict, automatic: Decimal, rubric: Decimal | None) -> Decimal:
    """The final score: the automatic share as the scenario says, the rest the rubric's."""
    share = Decimal(script["automatic_weight"])
    if rubric is None or not script["criteria"]:
        return automatic
    return ((automatic * share + rubric * (100 - share)) / 100).quantize(Decimal("0.01"))
