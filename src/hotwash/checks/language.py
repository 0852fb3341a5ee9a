"""The blame-language engine: find blame, counterfactuals and hindsight in prose.

:func:`scan_blame` matches grammar, not bare keywords: a modal followed by *have* and a
past participle ("should have noticed"), a person as the subject of a failure verb
("@alice broke prod"), a blaming question ("why didn't you ..."). So "we should add an
alert" in an action item is not flagged, and neither is "@lee rolled back the deploy".

It is section-aware: ``section`` is where the text sits in the post-mortem
(:data:`SECTIONS`). Names are expected as owners in action items; forward-looking
wording is expected in actions and prevention; "could have been worse" belongs in
"where we got lucky"; a quotation is kept verbatim and never flagged.

The engine is pure and fast (pre-compiled patterns, no model); the B rules call it for
every prose field and an interactive editor may call it on every keystroke.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from hotwash.checks.grammar import (
    WORD,
    is_past_participle,
    person_at,
    subject_start,
    words_before,
)
from hotwash.checks.lexicon import (
    AVOIDANCE_VERBS,
    CLEARLY_DESCRIPTIVE,
    COGNITIVE_VERBS,
    FAULT_VERBS,
    HUMAN_VERBS,
    NOT_A_NAME,
    REWRITES,
    ROLE_NOUNS,
)

__all__ = ["SECTIONS", "BlameHit", "person_in", "scan_blame"]

SECTIONS = frozenset({"narrative", "timeline", "action", "whys", "lessons", "lucky", "quote"})
"""Where a text sits: prose (narrative), timeline entries, action items (and prevention),
five-whys answers, lessons learned, "where we got lucky", a verbatim quotation."""


@dataclass(frozen=True)
class BlameHit:
    """One blameful phrase: the B rule ``code``, its span in the text, why, and a rewrite."""

    code: str
    start: int
    end: int
    words: str
    why: str
    rewrite: str


def scan_blame(text: str, people: Iterable[str] = (), section: str = "narrative") -> list[BlameHit]:
    """Every blameful phrase in ``text``, in order; ``people`` are names the document uses.

    Raises ``ValueError`` for an unknown ``section``.
    """
    if section not in SECTIONS:
        raise ValueError(f"unknown section {section!r}; one of {', '.join(sorted(SECTIONS))}")
    if section == "quote" or not text.strip():
        return []
    return list(_scan(text, _people_key(tuple(people)), section))


def person_in(text: str, people: Iterable[str] = ()) -> str | None:
    """The words naming a person in ``text`` (a listed name, an @handle, "the engineer",
    "human error"), or None: used to tell a five-whys chain that ends at a person."""
    names = _people_key(tuple(people))
    for match in WORD.finditer(text):
        found = person_at(text, match, names, strong=True, by_shape=False)
        if found is not None:
            return text[found : match.end()]
    error = _HUMAN_ERROR.search(text)
    return error.group(0) if error else None


@lru_cache(maxsize=256)
def _people_key(people: tuple[str, ...]) -> frozenset[str]:
    names: set[str] = set()
    for person in people:
        name = person.strip().lower()
        if name:
            names.update({name, name.lstrip("@")})
    return frozenset(names)


@lru_cache(maxsize=8192)
def _scan(text: str, people: frozenset[str], section: str) -> tuple[BlameHit, ...]:
    hits: list[BlameHit] = []
    for start, sentence in _sentences(text):
        for finder in _FINDERS:
            for code, a, b in finder(sentence, people, section):
                hits.append(_hit(code, text, start + a, start + b))
    return tuple(_drop_overlaps(sorted(hits, key=lambda h: (h.start, h.end, h.code))))


def _hit(code: str, text: str, start: int, end: int) -> BlameHit:
    why, rewrite = REWRITES[code]
    return BlameHit(code, start, end, text[start:end], why, rewrite)


def _drop_overlaps(hits: list[BlameHit]) -> Iterator[BlameHit]:
    last: dict[str, int] = {}
    for hit in hits:
        if hit.start >= last.get(hit.code, -1):
            last[hit.code] = hit.end
            yield hit


_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[\w/]))+[.!?]*")


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    for match in _SENTENCE.finditer(text):
        yield match.start(), match.group(0)


Span = tuple[str, int, int]


# Finders: each yields (code, start, end) within one sentence ---------------------------


def _by_first_word(phrases: Iterable[str], strong: bool) -> dict[str, list[tuple[str, bool]]]:
    table: dict[str, list[tuple[str, bool]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        table.setdefault(phrase.split()[0], []).append((phrase, strong))
    return table


#: First word of a failure-verb phrase -> (whole phrase, whether the subject must be strong).
_VERBS = _by_first_word(FAULT_VERBS, True)
for _first, _phrases in _by_first_word(HUMAN_VERBS, False).items():
    _VERBS.setdefault(_first, []).extend(_phrases)
_BLAME_OBJECT = re.compile(
    r"['’]s\s+(?:mistake|fault|error|blunder|oversight|negligence|carelessness|screw-?up)"
    r"|\s+(?:was|is|were)\s+(?:to\s+blame|at\s+fault|responsible\s+for\s+(?:the|this)\s+"
    r"(?:outage|incident|failure|breakage|errors?|downtime))",
    re.IGNORECASE,
)


def _person_as_cause(sentence: str, people: frozenset[str], section: str) -> Iterator[Span]:
    if section == "action":
        return
    for start, end, strong in _failure_verbs(sentence):
        subject = subject_start(sentence, start, people, strong)
        if subject is not None:
            yield "B001", subject, end
    for blame in _BLAME_OBJECT.finditer(sentence):
        words = words_before(sentence, blame.start())
        owner = person_at(sentence, words[-1], people, True, words[:-1]) if words else None
        if owner is not None:
            yield "B001", owner, blame.end()


def _failure_verbs(sentence: str) -> Iterator[tuple[int, int, bool]]:
    """Each failure-verb phrase in ``sentence``: start, end, whether it needs a strong subject."""
    lower = sentence.lower()
    for word in WORD.finditer(lower):
        for phrase, strong in _VERBS.get(word.group(0), ()):
            end = word.start() + len(phrase)
            if lower.startswith(phrase, word.start()) and not lower[end : end + 1].isalnum():
                yield word.start(), end, strong
                break


_HUMAN_ERROR = re.compile(
    r"\b(?:human|operator|pilot|engineer|engineering|developer|manual|personnel|staff|user)"
    r"[\s-]+(?:error|mistake|failure|fault|slip)s?\b|\b(?:a\s+)?mistake\s+(?:by|of)\s+"
    r"(?:the\s+)?(?:engineer|operator|developer|on-?call|@[\w.-]+|[A-Z][a-z]+)",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"(?:\bnot|\bno|\bnever|n['’]t|\brather\s+than|\binstead\s+of|\bbeyond|\bthan|\bblame)"
    r"\W+(?:\w+\W+){0,2}$",
    re.IGNORECASE,
)


def _human_error(sentence: str, people: frozenset[str], section: str) -> Iterator[Span]:
    for match in _HUMAN_ERROR.finditer(sentence):
        if _ambiguous_user_error(sentence, match, section):
            continue
        if not _NEGATION.search(sentence[: match.start()]):
            yield "B002", match.start(), match.end()


def _ambiguous_user_error(sentence: str, match: re.Match[str], section: str) -> bool:
    """'user errors' are often HTTP 4xx; only blame when presented as the cause."""
    if not match.group(0).lower().startswith("user") or section == "whys":
        return False
    cause = re.search(r"\b(?:caused\s+by|due\s+to|because\s+of|was)\s*$", sentence[: match.start()])
    return cause is None


_MODAL_HAVE = re.compile(
    r"\b(?P<modal>should|shouldn['’]t|could|couldn['’]t|would|wouldn['’]t|might|ought\s+to)"
    r"(?:\s+not)?(?:\s+\w+ly)?\s+have\s+(?:\w+ly\s+)?(?P<pp>[a-z]+)(?:\s+(?P<next>[a-z]+))?"
    r"|\b(?P<short>should|could|would|might)['’]ve\s+(?:\w+ly\s+)?(?P<pp2>[a-z]+)"
    r"(?:\s+(?P<next2>[a-z]+))?",
    re.IGNORECASE,
)
_IF_ONLY = re.compile(
    r"\bif\s+only\b|\bhad\s+(?:they|he|she|we|you)\s+(?:\w+ly\s+)?[a-z]+ed\b", re.IGNORECASE
)
_FAILED_TO = re.compile(
    r"\b(?:failed|failing|fail|failure)\s+to\s+(?P<verb>[a-z]+)|\b(?:didn['’]t|did\s+not)\s+"
    r"(?P<verb2>[a-z]+)",
    re.IGNORECASE,
)


def _counterfactual(sentence: str, people: frozenset[str], section: str) -> Iterator[Span]:
    for match in _MODAL_HAVE.finditer(sentence):
        if _modal_counterfactual(sentence, match, people, section):
            yield "B003", match.start(), _modal_end(match)
    for match in _IF_ONLY.finditer(sentence):
        yield "B003", match.start(), match.end()
    if section in {"action", "lessons"}:
        return
    for match in _FAILED_TO.finditer(sentence):
        verb = (match["verb"] or match["verb2"] or "").lower()
        if match["verb2"] and verb not in COGNITIVE_VERBS:
            continue
        start = subject_start(sentence, match.start(), people, strong=False)
        if start is not None:
            yield "B003", start, match.end()


def _modal_end(match: re.Match[str]) -> int:
    participle = (match["pp"] or match["pp2"] or "").lower()
    following = (match["next"] or match["next2"] or "").lower()
    if participle == "been" and following and is_past_participle(following):
        return match.end("next") if match["next"] else match.end("next2")
    return match.end("pp") if match["pp"] else match.end("pp2")


def _modal_counterfactual(
    sentence: str, match: re.Match[str], people: frozenset[str], section: str
) -> bool:
    participle = (match["pp"] or match["pp2"] or "").lower()
    if not is_past_participle(participle) or (participle == "had" and section == "action"):
        return False
    modal = (match["modal"] or match["short"] or "").lower().replace("’", "'")
    if modal.startswith(("should", "ought")):
        return True
    following = (match["next"] or match["next2"] or "").lower()
    avoided = participle in AVOIDANCE_VERBS or (
        participle == "been" and following in AVOIDANCE_VERBS
    )
    if section == "lucky" or modal == "might":
        return avoided
    person = subject_start(sentence, match.start(), people, strong=False) is not None
    alternate = _ALTERNATE_PAST.search(sentence[: match.start()]) is not None
    return avoided or person or alternate or participle in {"known", "noticed", "realised"}


_ALTERNATE_PAST = re.compile(r"\bif\b[^.;]*\bhad\b", re.IGNORECASE)


_HINDSIGHT = re.compile(
    r"\b(?:obviously|clearly|evidently|of\s+course|it\s+was\s+obvious|(?:was|were|is)\s+"
    r"(?:so\s+|very\s+)?obvious|an\s+obvious|trivially|any\s+(?:competent|experienced|good)\s+"
    r"(?:engineer|person|operator|developer))\b",
    re.IGNORECASE,
)


def _hindsight(sentence: str, people: frozenset[str], section: str) -> Iterator[Span]:
    if section == "action":
        return
    for match in _HINDSIGHT.finditer(sentence):
        if match.group(0).lower() == "clearly" and _descriptive_clearly(sentence, match):
            continue
        yield "B005", match.start(), match.end()


def _descriptive_clearly(sentence: str, match: re.Match[str]) -> bool:
    """'clearly labelled', 'communicate clearly', 'not clearly': manner, not hindsight."""
    after = re.match(r"\s+([\w-]+)", sentence[match.end() :])
    if after and after.group(1).lower() in CLEARLY_DESCRIPTIVE:
        return True
    before = words_before(sentence, match.start())
    if not before:
        return False
    previous = before[-1].group(0).lower()
    return previous in CLEARLY_DESCRIPTIVE or previous in {"more", "less", "not", "very", "as"}


_CHARACTER = re.compile(
    r"\b(?:careless(?:ly|ness)?|sloppy|sloppi(?:ly|ness)|negligen(?:t|tly|ce)|incompeten(?:t|ce)"
    r"|lazy(?![\s-]*(?:load|init|evaluat|loading))|laziness|reckless(?:ly|ness)?|irresponsib\w+"
    r"|complacen(?:t|cy)|inattenti(?:ve|on)|(?:did\s+not|didn['’]t|not)\s+(?:pay(?:ing)?\s+"
    r"attention|bother)|lack(?:ed)?\s+(?:of\s+)?(?:attention|care|diligence|situational\s+"
    r"awareness)|lost\s+situational\s+awareness|stupid(?:ity)?|dumb(?![\s-]+(?:pipe|terminal|"
    r"client|proxy))|idiotic|foolish|boneheaded|rookie\s+mistake|ridiculous|cowboy|"
    r"bad\s+apples?)\b",
    re.IGNORECASE,
)


def _character(sentence: str, people: frozenset[str], section: str) -> Iterator[Span]:
    for match in _CHARACTER.finditer(sentence):
        yield "B004", match.start(), match.end()


_QUESTION = re.compile(
    r"\bwhy\s+(?:didn['’]t|did|weren['’]t|wasn['’]t|hadn['’]t|couldn['’]t|wouldn['’]t|"
    r"don['’]t|did\s+not|would|were|was)\s+(?:not\s+)?(?P<who>[@\w.-]+)(?:\s+(?P<noun>[\w-]+))?"
    r"|\bwho\s+(?:caused|broke|pushed|approved|is\s+to\s+blame|was\s+responsible|is\s+"
    r"responsible|messed\s+up|screwed\s+up)\b|\bwhose\s+fault\b|\bwhat\s+were\s+you\s+thinking\b",
    re.IGNORECASE,
)


def _blaming_question(sentence: str, people: frozenset[str], section: str) -> Iterator[Span]:
    for match in _QUESTION.finditer(sentence):
        if not _asks(sentence, match):
            continue
        who = (match["who"] or "").lower()
        if who and not _questioned_person(who, (match["noun"] or "").lower(), match, people):
            continue
        yield "B006", match.start(), match.end("who") if who else match.end()


def _asks(sentence: str, match: re.Match[str]) -> bool:
    """A question, not a relative clause ('the member who pushed the change ...')."""
    opening = not sentence[: match.start()].strip(" \t\n\"'“(")
    return opening or sentence.rstrip().endswith("?")


def _questioned_person(who: str, noun: str, match: re.Match[str], people: frozenset[str]) -> bool:
    if who in {"you", "they", "he", "she"} or who.startswith("@") or who in people:
        return True
    if who == "we":
        return bool(re.search(r"n['’]t|\bnot\b", match.group(0), re.IGNORECASE))
    if who in {"the", "an", "our"}:
        return noun in ROLE_NOUNS
    return match.group("who")[:1].isupper() and who not in NOT_A_NAME


_FINDERS = (
    _person_as_cause,
    _human_error,
    _counterfactual,
    _character,
    _hindsight,
    _blaming_question,
)
