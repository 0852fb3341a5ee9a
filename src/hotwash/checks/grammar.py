"""Who is the subject: the grammar the blame-language engine needs, and no more.

Words are matched with :data:`WORD`; :func:`subject_start` walks back from a verb over
adverbs to its subject, and :func:`person_at` decides whether that subject is a person: a
name the document lists, an @handle, a role ("the on-call engineer"), a pronoun, or a
capitalised word that reads as a first name. :func:`is_past_participle` asks lemminflect.
"""

from __future__ import annotations

import re
from functools import lru_cache

from hotwash.checks.lexicon import (
    GROUP_NOUNS,
    NOT_A_NAME,
    PERSON_PRONOUNS,
    ROLE_NOUNS,
    SKIPPABLE,
    WORDLIKE_NAMES,
)

__all__ = ["WORD", "is_past_participle", "person_at", "subject_start", "words_before"]

WORD = re.compile(r"@[\w.-]*\w|[\w’'-]+")


@lru_cache(maxsize=4096)
def is_past_participle(word: str) -> bool:
    """Whether ``word`` is the past participle (or simple past) of an English verb."""
    from lemminflect import getInflection, getLemma

    word = word.lower()
    for lemma in getLemma(word, upos="VERB"):
        forms = (*getInflection(lemma, tag="VBN"), *getInflection(lemma, tag="VBD"))
        if word in forms:
            return True
    return False


def words_before(sentence: str, end: int) -> list[re.Match[str]]:
    return list(WORD.finditer(sentence, 0, end))


def subject_start(sentence: str, end: int, people: frozenset[str], strong: bool) -> int | None:
    """Start of the person who is the subject of the verb at ``end``, skipping adverbs."""
    words = words_before(sentence, end)
    while words and (words[-1].group(0).lower() in SKIPPABLE or _adverb(words[-1].group(0))):
        words.pop()
    if not words:
        return None
    return person_at(sentence, words[-1], people, strong, words[:-1])


def _adverb(word: str) -> bool:
    return word.lower().endswith("ly") and len(word) > 4 and word.lower() not in {"only", "early"}


def person_at(
    text: str,
    match: re.Match[str],
    people: frozenset[str],
    strong: bool,
    before: list[re.Match[str]] | None = None,
    by_shape: bool = True,
) -> int | None:
    """If the word ``match`` ends a mention of a person, where that mention starts."""
    word = match.group(0)
    low = word.lower().removesuffix("'s").removesuffix("’s")
    if word.startswith("@") or low in people:
        return match.start()
    for name in people:
        if " " in name and text[: match.end()].lower().endswith(name):
            return match.end() - len(name)
    before = before if before is not None else words_before(text, match.start())
    if low in ROLE_NOUNS or (low in GROUP_NOUNS and not strong):
        for previous in reversed(before[-3:]):
            if previous.group(0).lower() in _DETERMINERS:
                return previous.start()
    if low in PERSON_PRONOUNS and (not strong or low in {"he", "she"}):
        return match.start()
    if by_shape and _name_like(word, before, text):
        return match.start()
    return None


_DETERMINERS = frozenset({"the", "a", "an", "our", "their", "one", "that", "this", "his", "her"})


def _name_like(word: str, before: list[re.Match[str]], text: str) -> bool:
    """A capitalised word that reads as a first name (not a product, not after 'the').

    At the start of a sentence capitals say nothing, so a word English knows only as a
    verb, adjective or adverb ("Deploy", "Rolling") is not taken for a name there."""
    word = word.removesuffix("'s").removesuffix("’s")
    if not (word[:1].isupper() and word[1:].islower() and word.isalpha() and len(word) > 2):
        return False
    if word.lower() in NOT_A_NAME:
        return False
    if before and before[-1].group(0).lower() in _DETERMINERS:
        return False
    starts_sentence = not before or text[before[-1].end() : before[-1].end() + 2].strip() in {
        ".",
        "!",
        "?",
        ":",
        "-",
    }
    return not starts_sentence or word.lower() in WORDLIKE_NAMES or _unknown_word(word.lower())


@lru_cache(maxsize=2048)
def _unknown_word(word: str) -> bool:
    from lemminflect import getAllLemmas

    return not getAllLemmas(word)
