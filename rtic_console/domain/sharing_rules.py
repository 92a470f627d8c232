"""Who may receive SPD's ALPR data and for what (C.2 to C.6): the one rule that decides a
sharing request, and the one vocabulary of purposes it refuses.

The rule grants only one way: an in-state (California) law enforcement agency that is a
LEARN partner, for a stated purpose the vocabulary does not exclude. Everything else is
refused, naming every clause that refuses it. The vocabulary errs on the side of refusing:
a purpose that merely looks like immigration enforcement or gender-affirming care is refused
and may go to legal review, where a division commander reads it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

HOME_STATE = "CA"
GRANT_CLAUSE = "C.2"
NO_PURPOSE_CLAUSE = "C.3"
IMMIGRATION = "C.5"
GENDER_AFFIRMING_CARE = "C.6"
# A pattern folded into one word ("im-mi-gra-tion", "trans gender") is also looked for inside
# the purpose written without spaces, when it is long enough not to occur there by chance.
MIN_COMPACT = 9

# The vocabulary, in one place. A pattern is words: `word` matches that word, `word*` any
# word starting so, `?` any one word. Letters spelt out ("I.C.E.", "i c e") are joined
# before matching; accents are dropped ("deportación"); words are matched whole, so "police"
# and "device" never match "ice".
EXCLUDED_PURPOSES: dict[str, tuple[str, ...]] = {
    IMMIGRATION: (
        "ice", "ero", "hsi", "cbp", "uscis", "migra", "ins raid*",
        "immigration and customs enforcement", "enforcement and removal operation*",
        "homeland security investigation*", "customs and border protection",
        "border patrol*", "citizenship and immigration service*",
        "immigra*", "inmigra*", "immigration", "immigrant",
        "deport*", "deportation", "deportable",
        "removal proceeding*", "removal order*", "order* of removal", "removal hearing*",
        "expedited removal", "removable alien*", "visa overstay*", "overstay* visa*",
        "overstay* ? visa*", "overstayer*", "expired visa*", "287 g", "287g",
        "citizenship status", "undocumented", "alien", "aliens", "illegal alien*",
        "illegals", "unlawful* present", "unlawful presence", "illegal entry",
        "illegally entered", "noncitizen*", "non citizen*", "asylum", "asylee*",
        "refugee status", "green card*", "detainer*", "i 247*", "i247*",
    ),
    GENDER_AFFIRMING_CARE: (
        "gender affirm*", "genderaffirming", "gender confirm*", "gender reassign*",
        "sex reassign*", "sex change*", "gender transition*", "transition care",
        "transition related", "medical transition*", "transgender*", "transgender",
        "transsexual*", "trans health*", "trans care", "trans clinic*", "trans patient*",
        "trans youth", "trans minor*", "trans kid*", "trans child*", "trans medic*",
        "hormone therap*", "hormonetherapy", "hormone replacement", "hormone clinic*",
        "hormone treatment*", "hrt", "puberty block*", "pubertyblocker",
        "top surgery", "bottom surgery", "facial feminization", "feminizing hormone*",
        "masculinizing hormone*", "vaginoplast*", "phalloplast*", "gender dysphoria",
        "gender identity clinic*", "gender clinic*", "gender care", "gender health*",
    ),
}

CLAUSE_TITLES = {
    IMMIGRATION: "the purpose concerns immigration enforcement",
    GENDER_AFFIRMING_CARE: "the purpose concerns lawful gender-affirming care",
}


class RefusalGround(StrEnum):
    """Why a recipient cannot receive data, in the order a refusal names them."""

    NOT_LAW_ENFORCEMENT = "not_law_enforcement"
    FEDERAL = "federal"
    OUT_OF_STATE = "out_of_state"
    NOT_PARTNER = "not_partner"
    NO_PURPOSE = "no_purpose"


_GROUNDS: dict[RefusalGround, tuple[str, str]] = {
    RefusalGround.NOT_LAW_ENFORCEMENT: (
        "C.2", "ALPR data is shared only with law enforcement agencies; never with a "
               "private entity"),
    RefusalGround.FEDERAL: ("C.4", "SPD does not provide ALPR data to federal agencies"),
    RefusalGround.OUT_OF_STATE: ("C.4", "SPD does not provide ALPR data to agencies outside "
                                        "California (or whose state is not known)"),
    RefusalGround.NOT_PARTNER: ("C.2.a", "the agency is not a LEARN partner: no data, and "
                                         "the RTIC division commander is told at once"),
    RefusalGround.NO_PURPOSE: ("C.3", "a request states its purpose; without one SPD cannot "
                                      "know the transfer is permitted"),
}


@dataclass(frozen=True)
class Recipient:
    """What the directory says about the requesting agency."""

    state: str | None
    agency_type: str | None
    law_enforcement: bool
    learn_partner: bool


@dataclass(frozen=True)
class PurposeMatch:
    clause: str
    term: str  # the vocabulary pattern
    words: str  # what in the purpose matched it


@dataclass(frozen=True)
class SharingDecision:
    """`clause` is the one the decision rests on: C.2 for a grant, else the first refusing
    clause; `clauses` every clause that refuses it; `alert_commander` is C.2.a's alert,
    raised for any request of a non-partner whatever else refuses it."""

    granted: bool
    clause: str
    clauses: tuple[str, ...]
    reason: str
    alert_commander: bool
    matches: tuple[PurposeMatch, ...] = ()


@dataclass(frozen=True)
class _Pattern:
    clause: str
    text: str
    words: tuple[str, ...]
    compact: str | None


def _compile() -> tuple[_Pattern, ...]:
    patterns = []
    for clause, terms in EXCLUDED_PURPOSES.items():
        for term in terms:
            words = tuple(term.split())
            joined = "".join(words).rstrip("*")
            compact = joined if len(joined) >= MIN_COMPACT and "?" not in term \
                and "*" not in joined else None
            patterns.append(_Pattern(clause, term, words, compact))
    return tuple(patterns)


_PATTERNS = _compile()
_WORD = re.compile(r"[a-z0-9]+")
# What may stand between letters spelt out: nothing but spaces, or a dot, hyphen or dash.
_SPELLING_MARKS = frozenset({"", ".", "-", "·", "_", "–", "—"})


def purpose_words(purpose: str) -> list[str]:
    """The purpose as lower-case words without accents or punctuation; letters spelt out
    one by one ("I.C.E.", "c-b-p", "i c e") joined into the word they spell."""
    folded = unicodedata.normalize("NFKD", purpose.replace("&", " and "))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    words: list[str] = []
    spelling = False  # the last word is letters being spelt out
    end = 0
    for found in _WORD.finditer(folded):
        word, between = found.group(), folded[end:found.start()]
        end = found.end()
        letter = len(word) == 1 and word.isalpha()
        if letter and spelling and between.strip() in _SPELLING_MARKS:
            words[-1] += word
            continue
        words.append(word)
        spelling = letter
    return words


def _word_fits(pattern: str, word: str) -> bool:
    if pattern == "?":
        return True
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern


def excluded_purpose(purpose: str) -> tuple[PurposeMatch, ...]:
    """Every vocabulary pattern the purpose matches (C.5, C.6), in vocabulary order."""
    words = purpose_words(purpose)
    compact = "".join(words)
    found: list[PurposeMatch] = []
    for pattern in _PATTERNS:
        n = len(pattern.words)
        for i in range(len(words) - n + 1):
            if all(_word_fits(p, w) for p, w in zip(pattern.words, words[i:i + n],
                                                    strict=True)):
                found.append(PurposeMatch(pattern.clause, pattern.text,
                                          " ".join(words[i:i + n])))
                break
        else:
            if pattern.compact and pattern.compact in compact:
                found.append(PurposeMatch(pattern.clause, pattern.text, pattern.compact))
    return tuple(found)


def recipient_grounds(recipient: Recipient) -> tuple[RefusalGround, ...]:
    """What keeps this agency from receiving data, whatever the purpose (C.2, C.4, C.2.a).
    A missing state or type is never taken as in-state or as local."""
    grounds = []
    if not recipient.law_enforcement or recipient.agency_type in (None, "", "private"):
        grounds.append(RefusalGround.NOT_LAW_ENFORCEMENT)
    if recipient.agency_type == "federal":
        grounds.append(RefusalGround.FEDERAL)
    if (recipient.state or "").strip().upper() != HOME_STATE:
        grounds.append(RefusalGround.OUT_OF_STATE)
    if not recipient.learn_partner:
        grounds.append(RefusalGround.NOT_PARTNER)
    return tuple(grounds)


def decide_sharing(recipient: Recipient, purpose: str | None) -> SharingDecision:
    """The one rule (C.2 to C.6). Refusing clauses are named purpose first (C.6, C.5: never
    for these, whoever asks), then recipient (C.2, C.4, C.2.a), then a missing purpose."""
    text = " ".join((purpose or "").split())
    matches = excluded_purpose(text) if text else ()
    reasons: list[tuple[str, str]] = []
    for clause in (GENDER_AFFIRMING_CARE, IMMIGRATION):
        terms = [m.words for m in matches if m.clause == clause]
        if terms:
            reasons.append((clause, f"{CLAUSE_TITLES[clause]} ({', '.join(dict.fromkeys(terms))})"))
    grounds = list(recipient_grounds(recipient))
    if not text:
        grounds.append(RefusalGround.NO_PURPOSE)
    reasons.extend(_GROUNDS[g] for g in grounds)
    alert = RefusalGround.NOT_PARTNER in grounds
    if not reasons:
        return SharingDecision(True, GRANT_CLAUSE, (), "granted: an in-state law enforcement "
                               "agency that is a LEARN partner, for a purpose not excluded",
                               False, matches)
    clauses = tuple(dict.fromkeys(c for c, _ in reasons))
    reason = "refused: " + "; ".join(r for _, r in reasons)
    return SharingDecision(False, clauses[0], clauses, reason, alert, matches)
