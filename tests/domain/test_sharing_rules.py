"""The sharing rule (C.2 to C.6): one granting path, every refusal naming its clause, and a
purpose vocabulary matched robustly, tested with phrasings that are not in it."""

from __future__ import annotations

import pytest

from rtic_console.domain.sharing_rules import (
    EXCLUDED_PURPOSES,
    Recipient,
    decide_sharing,
    excluded_purpose,
    purpose_words,
)

PARTNER = Recipient(state="CA", agency_type="local", law_enforcement=True, learn_partner=True)
INNOCUOUS = "stolen vehicle recovery, case 26-1234"


def recipient(**kw: object) -> Recipient:
    return Recipient(**{**PARTNER.__dict__, **kw})


@pytest.mark.policy("C.2")
def test_the_one_granting_path() -> None:
    decision = decide_sharing(PARTNER, INNOCUOUS)
    assert decision.granted and decision.clause == "C.2" and not decision.clauses
    assert not decision.alert_commander
    for kind in ("local", "county", "state", "tribal"):
        assert decide_sharing(recipient(agency_type=kind), INNOCUOUS).granted


@pytest.mark.policy("C.4")
@pytest.mark.parametrize(("who", "clauses"), [
    (recipient(agency_type="federal"), ("C.4",)),
    (recipient(state="NV"), ("C.4",)),
    (recipient(state=None), ("C.4",)),
    (recipient(state=""), ("C.4",)),
    (recipient(agency_type="federal", state="DC", learn_partner=False), ("C.4", "C.2.a")),
])
def test_federal_and_out_of_state_are_refused(who: Recipient, clauses: tuple[str, ...]) -> None:
    decision = decide_sharing(who, INNOCUOUS)
    assert not decision.granted and decision.clauses == clauses
    assert decision.clause == clauses[0]


@pytest.mark.policy("C.2")
@pytest.mark.parametrize("who", [
    recipient(agency_type="private", law_enforcement=False),
    recipient(agency_type="other", law_enforcement=False),
    recipient(agency_type="private", law_enforcement=True),
    recipient(agency_type=None),
])
def test_private_and_non_law_enforcement_are_refused(who: Recipient) -> None:
    decision = decide_sharing(who, INNOCUOUS)
    assert not decision.granted and decision.clause == "C.2"


@pytest.mark.policy("C.2.a")
def test_a_non_partner_is_refused_and_the_commander_alerted() -> None:
    decision = decide_sharing(recipient(learn_partner=False), INNOCUOUS)
    assert not decision.granted and decision.clause == "C.2.a"
    assert decision.alert_commander and "division commander" in decision.reason
    # Whatever else refuses it, a non-partner's request is still brought to the commander.
    other = decide_sharing(recipient(learn_partner=False, state="OR"), "deportation")
    assert other.alert_commander and other.clauses == ("C.5", "C.4", "C.2.a")


@pytest.mark.policy("C.3")
@pytest.mark.parametrize("purpose", [None, "", "   ", "\n\t"])
def test_an_empty_purpose_is_refused(purpose: str | None) -> None:
    decision = decide_sharing(PARTNER, purpose)
    assert not decision.granted and decision.clause == "C.3"


# Phrasings not written in the vocabulary: other word forms, spelt-out letters, punctuation,
# hyphens, other languages' accents, words split apart.
IMMIGRATION_PHRASINGS = [
    "deportation hearing for the subject",
    "assist Homeland Security Investigations with a case",
    "I.C.E. field office request",
    "i c e",
    "Request from ice",
    "ICE's ERO wants the plates",
    "U.S.C.I.S. benefit fraud",
    "C-B-P port of entry",
    "287(g) task force",
    "287 (G) agreement",
    "Immigration-status check of the driver",
    "ImMiGrAtIoN EnFoRcEmEnT",
    "locate undocumented workers",
    "subject is an illegal alien",
    "he overstayed his visa",
    "visa-overstay investigation",
    "subject in removal proceedings",
    "served a detainer",
    "im-mi-gra-tion hold",
    "deportación del sujeto",
    "Enforcement & Removal Operations",
    "deportable noncitizen",
    "Border Patrol agents asked",
]
CARE_PHRASINGS = [
    "trans healthcare clinic visits",
    "Gender-Affirming care provider",
    "gender affirming surgery patients",
    "GENDERAFFIRMING",
    "transgender care at Sutter",
    "who visited the hormone therapy clinic",
    "puberty-blockers prescribed to minors",
    "transition care appointments",
    "H.R.T. patients",
    "trans gender youth clinic",
    "top surgery patients list",
    "hormone-replacement records",
]
# Innocuous purposes that share letters or words with the vocabulary.
INNOCUOUS_PURPOSES = [
    "police pursuit of a stolen vehicle",
    "device theft from a parked car",
    "notice of violation, service call",
    "vice unit investigation of a robbery",
    "juice bar burglary suspect vehicle",
    "price tag fraud at a hardware store",
    "zero-tolerance DUI checkpoint",
    "hero's welcome parade hit and run",
    "stolen Pontiac Trans Am",
    "transitional housing burglary",
    "graffiti removal contractor's truck stolen",
    "Visa card fraud suspect",
    "removable hard drive stolen from a van",
    "missing person last seen on I-5",
    "homicide, case 26-004411",
    "transmission shop burglary",
    "armed robbery at the Chevron on Florin Rd",
    "alienated spouse violating a restraining order",
]


@pytest.mark.policy("C.5")
@pytest.mark.parametrize("purpose", IMMIGRATION_PHRASINGS)
def test_immigration_purposes_are_refused(purpose: str) -> None:
    decision = decide_sharing(PARTNER, purpose)
    assert not decision.granted and decision.clause == "C.5", (purpose, decision)


@pytest.mark.policy("C.6")
@pytest.mark.parametrize("purpose", CARE_PHRASINGS)
def test_gender_affirming_care_purposes_are_refused(purpose: str) -> None:
    decision = decide_sharing(PARTNER, purpose)
    assert not decision.granted and decision.clause == "C.6", (purpose, decision)


@pytest.mark.parametrize("purpose", INNOCUOUS_PURPOSES)
def test_innocuous_purposes_are_not_excluded(purpose: str) -> None:
    assert excluded_purpose(purpose) == (), purpose
    assert decide_sharing(PARTNER, purpose).granted


@pytest.mark.policy("C.5")
def test_the_refusal_names_what_matched() -> None:
    decision = decide_sharing(PARTNER, "Assist I.C.E. with a deportation")
    assert "ice" in decision.reason and "deportation" in decision.reason
    assert {m.clause for m in decision.matches} == {"C.5"}


def test_words_spelt_out_are_joined_and_accents_dropped() -> None:
    assert purpose_words("I.C.E. / h s i, Inmigración!") == ["ice", "hsi", "inmigracion"]
    assert purpose_words("287(g)") == ["287", "g"]


def test_every_vocabulary_term_matches_itself() -> None:
    for clause, terms in EXCLUDED_PURPOSES.items():
        for term in terms:
            sample = term.replace("*", "").replace("?", "their")
            assert clause in {m.clause for m in excluded_purpose(sample)}, term


@pytest.mark.policy("C.5")
def test_ambiguous_words_are_refused_not_guessed() -> None:
    """"Ice" is also street slang for methamphetamine: the rule refuses rather than guess
    which is meant, and a division commander may permit it on legal review."""
    decision = decide_sharing(PARTNER, "ice sales near Florin Rd")
    assert not decision.granted and decision.clause == "C.5"
