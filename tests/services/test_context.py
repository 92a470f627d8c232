"""How a refusal reads: with the rule it cites, once."""

from __future__ import annotations

from rtic_console.services.context import InputRejected, Refused, refusal_text


def test_a_refusal_names_its_clause_unless_its_message_does() -> None:
    assert refusal_text(Refused("Only ALPR administrators may do this.", clause="A.2")) == \
        "Only ALPR administrators may do this. (GO 525.08 A.2)"
    named = Refused("Not authorized personnel (A.3): CLETS training lapsed.", clause="A.3")
    assert refusal_text(named) == str(named)
    assert refusal_text(InputRejected("hot plate expires after 24 hours (E.2)", clause="E.2")) \
        == "hot plate expires after 24 hours (E.2)"
    assert refusal_text(InputRejected("layout name must be 1 to 60 characters")) == \
        "layout name must be 1 to 60 characters"
