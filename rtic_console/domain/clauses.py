"""The clauses of General Order 525.08 the console enforces, records or reminds, by id."""

from __future__ import annotations

# id -> the rule as software behaviour (POLICY.md). Where the order numbers sub-clauses
# that are rules of their own (C.3 to C.6, D.3.b to D.3.e, G.3.a to G.3.g, H.2 and H.3,
# D.2.b(1) and D.2.b(2)), each is listed, so one proven sub-clause never passes for its
# siblings. Tests name these ids in their `policy` marker (a finer id such as 'D.1.b' or
# 'D.2.b(2)(a)' counts for the clause above it); a clause without a passing test is a gap.
CLAUSES: dict[str, str] = {
    "A.2": "Each action is open only to the roles the order names; others are refused",
    "A.3": "Only active roster members with current CLETS and ALPR training sign in or act",
    "B.1": "Every use carries an official purpose",
    "B.2": "Damaged or inoperable devices are reported to ALPR administrators and shown out "
           "of service",
    "C.1": "Detections kept 90 days to 2 years; purge respects evidence holds and is audited",
    "C.2": "ALPR data is shared only with LEARN partner agencies",
    "C.2.a": "A request from a non-partner agency produces no data and alerts the RTIC "
             "division commander at once",
    "C.3": "ALPR data is not sold, shared or transferred except as permitted by law",
    "C.4": "No ALPR data to private entities, out-of-state agencies or federal agencies",
    "C.5": "No ALPR data for immigration enforcement",
    "C.6": "No ALPR data or information about lawful gender-affirming care",
    "D.1": "Searches state an approved purpose and case, or an approved 'other use'",
    "D.2.b(1)": "Quarterly inspection: every ALPR and PSCN device checked as functioning and "
                "up to date",
    "D.2.b(2)": "Quarterly review of personnel searches; out-of-compliance searches referred "
                "to the employee's division commander with a printable report",
    "D.2.c": "ALPR administrators maintain the roster and access",
    "D.3.b": "Start of shift: the vehicle's readers are affixed and inspected for damage",
    "D.3.c": "Start of shift: the CDMS ALPR software is started",
    "D.3.d": "Start of shift: cameras, LEARN, GPS and system lights are green",
    "D.3.e": "A stolen-vehicle recovery call is recorded when an unoccupied stolen vehicle "
             "cannot be recovered",
    "D.4": "Every hit says it is not on its own a basis for a stop",
    "D.5.a": "Hits are worked promptly: the queue shows age and escalates",
    "D.5.b": "Only a dispatcher verifies and confirms a hit; other personnel do not",
    "D.6.a": "The dispatcher who claimed a hit records the four steps in order; it is "
             "confirmed only after all four, closed only by them with a reason that says what "
             "was found, and as no longer wanted only after the CLETS/NCIC step",
    "E.1": "A hot plate needs a case number or XREF and a reason",
    "E.2": "A hot plate records its CLETS/NCIC counterpart and expires within 24 hours",
    "F.1": "Every camera is agency, city, city traffic or private donor",
    "F.2": "Viewing the camera network states a purpose",
    "F.3": "Shape searches need an incident and a suspect or vehicle description",
    "F.4": "Evidence exports are clips with a hash and a manifest",
    "F.5": "Recorded video follows the 90-day to 2-year retention and evidence holds",
    "G.1": "Donor video is never recorded, snapshotted or exported",
    "G.2": "No donor feed without a current terms agreement",
    "G.3.a": "Donor terms state the purpose and manner of use; an agreement without them is "
             "refused",
    "G.3.b": "Donor terms: only the cameras the agreement lists",
    "G.3.c": "Donor terms: allowed hours, places and viewing angles (privacy masks)",
    "G.3.d": "Donor terms: real-time viewing limits",
    "G.3.e": "Donor terms record the footage retrieval process; an agreement without it is "
             "refused",
    "G.3.f": "Donor terms: remote viewing only from the workstations allowed",
    "G.3.g": "Donor terms: the agreement expires and the feed goes dark by itself",
    "H.1": "Voluntary registry entries hold owner, place and equipment",
    "H.2": "Registry look-ups are for evidence collection: each names its case and a "
           "bounded place",
    "H.3": "Registry contacts are used for law enforcement only: look-ups are limited to "
           "authorized roles and audited",
    "I.1": "Special hot list entries take effect only after supervisor approval; hits are "
           "informational",
    "I.2.a": "Special hot list hits notify SPD authorized personnel only",
    "I.2.b": "Sharing a special hot list with another agency needs a division commander's "
             "approval",
    "AUDIT": "Every action writes one append-only, hash-chained audit event; tampering is "
             "detected",
    "SOD": "Separation of duties: every approval is a second person's, not the requester's "
           "nor someone the requester made an approver; an approving role takes effect only "
           "when a second ALPR administrator or division commander confirms it",
}


def clause_of(marker_value: str) -> str | None:
    """The registry id a marker counts for: the id itself, else the nearest registered
    clause above it ('D.1.b' for 'D.1', 'D.2.b(2)(a)' for 'D.2.b(2)'); None when none is.

    A clause whose sub-clauses are listed ('G.3') is not registered, so a marker naming it
    resolves to None: it must name the sub-clause it proves."""
    candidate = marker_value
    while candidate:
        if candidate in CLAUSES:
            return candidate
        candidate = _parent(candidate)
    return None


def sub_clauses(marker_value: str) -> list[str]:
    """Registered ids below a clause id ('G.3' -> 'G.3.a' ... 'G.3.g'), for error messages."""
    return [cid for cid in CLAUSES if cid != marker_value and _is_below(cid, marker_value)]


def _parent(cid: str) -> str:
    if cid.endswith(")") and "(" in cid:
        return cid[:cid.rindex("(")]
    return cid.rpartition(".")[0]


def _is_below(cid: str, ancestor: str) -> bool:
    while cid:
        cid = _parent(cid)
        if cid == ancestor:
            return True
    return False
