"""The clauses of General Order 525.08 the console enforces, records or reminds, by id."""

from __future__ import annotations

# id -> the rule as software behaviour (POLICY.md). Tests name these ids in their
# `policy` marker; a clause without a passing test shows as a gap in the matrix.
CLAUSES: dict[str, str] = {
    "A.2": "Each action is open only to the roles the order names; others are refused",
    "A.3": "Only active roster members with current CLETS and ALPR training sign in or act",
    "B.1": "Every use carries an official purpose",
    "B.2": "Damaged or inoperable devices are reported to ALPR administrators and shown out "
           "of service",
    "C.1": "Detections kept 90 days to 2 years; purge respects evidence holds and is audited",
    "C.2": "Sharing only with LEARN partners; a non-partner request alerts the commander",
    "C.3-C.6": "No sharing with private, out-of-state or federal agencies, immigration or "
               "gender-affirming-care purposes",
    "D.1": "Searches state an approved purpose and case, or an approved 'other use'",
    "D.2.b": "Quarterly device inspections and search reviews with referral reports",
    "D.2.c": "ALPR administrators maintain the roster and access",
    "D.3": "Mobile reader start-of-shift check; stolen-vehicle recovery calls recorded",
    "D.4": "Every hit says it is not on its own a basis for a stop",
    "D.5.a": "Hits are worked promptly: the queue shows age and escalates",
    "D.5.b": "Only a dispatcher confirms a hit, after the four checklist steps in order",
    "E.1": "A hot plate needs a case number or XREF and a reason",
    "E.2": "A hot plate records its CLETS/NCIC counterpart and expires within 24 hours",
    "F.1": "Every camera is agency, city, city traffic or private donor",
    "F.2": "Viewing the camera network states a purpose",
    "F.3": "Shape searches need an incident and a suspect or vehicle description",
    "F.4": "Evidence exports are clips with a hash and a manifest",
    "F.5": "Recorded video follows the 90-day to 2-year retention and evidence holds",
    "G.1": "Donor video is never recorded, snapshotted or exported",
    "G.2": "No donor feed without a current terms agreement",
    "G.3": "Donor terms apply while viewing: hours, masks, workstations, expiry",
    "H.1": "Voluntary registry entries hold owner, place and equipment",
    "H.2-H.3": "Registry look-ups are for evidence on a named case and are audited",
    "I.1": "Special hot list entries take effect only after supervisor approval; hits are "
           "informational",
    "I.2": "Special hot list hits notify SPD only; sharing needs a division commander",
    "AUDIT": "Every action writes one append-only, hash-chained audit event; tampering is "
             "detected",
    "SOD": "Separation of duties: every approval is a second person's, not the requester's "
           "nor someone the requester made an approver; an approving role takes effect only "
           "when a second ALPR administrator or division commander confirms it",
}


def clause_of(marker_value: str) -> str:
    """The registry id a marker names: 'G.3.c' counts for 'G.3', 'C.4' for 'C.3-C.6'."""
    if marker_value in CLAUSES:
        return marker_value
    if marker_value.split("(")[0] in CLAUSES:
        return marker_value.split("(")[0]
    for cid in CLAUSES:
        if "-" in cid:
            first, last = cid.split("-")
            if first <= marker_value <= last + "~":
                return cid
    parts = marker_value.split("(")[0].split(".")
    while len(parts) > 1:
        parts.pop()
        candidate = ".".join(parts)
        if candidate in CLAUSES:
            return candidate
    return marker_value
