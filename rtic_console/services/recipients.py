"""The check every export makes of its recipient: SPD internal use for the export's case, or
a sharing request that was granted (or permitted on legal review) for exactly those reads.
Exports to other agencies go only through a granted request (C.2, C.3)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from rtic_console.domain.recipients import ExportRecipient, RecipientKind
from rtic_console.services.context import Refused
from rtic_console.services.sharing import released_read_ids
from rtic_console.store.models import Agency, SharingRequest

CLAUSE = "C.3"


def checked_recipient(session: Session, recipient: object, *, case_number: str, action: str,
                      object_type: str, object_id: str | int,
                      read_ids: Collection[int] | None = None) -> dict[str, object]:
    """What the export's audit event and manifest record of its recipient; refuses (C.3) an
    export that names none, names another SPD case, or names a request not granted, or
    (`read_ids`, for reads) holds reads the request did not grant."""

    def refuse(message: str) -> Refused:
        return Refused(message, action=action, clause=CLAUSE, object_type=object_type,
                       object_id=object_id)

    if not isinstance(recipient, ExportRecipient):
        raise refuse("Every export names its recipient: SPD internal use for the case, or a "
                     "granted sharing request of another agency (C.3).")
    if recipient.kind is RecipientKind.SPD_CASE:
        if (recipient.case_number or "").strip() != case_number:
            raise refuse(f"This export is for case {case_number}; SPD internal use names that "
                         f"case, not {recipient.case_number or 'none'!r}.")
        return {"recipient": recipient.label, "recipient_kind": recipient.kind.value}
    row = session.get(SharingRequest, recipient.request_id)
    if row is None:
        raise refuse(f"There is no sharing request #{recipient.request_id}: data goes to "
                     "another agency only through a granted request.")
    if row.decision != "granted" and row.review_status != "permitted":
        raise refuse(f"Sharing request #{row.id} was refused under {row.clause}: nothing is "
                     "exported to that agency.")
    agency = session.get_one(Agency, row.agency_id)
    if read_ids is not None and not set(read_ids) <= released_read_ids(session, row):
        raise refuse(f"Sharing request #{row.id} granted {agency.ori} certain reads; this "
                     "export holds others.")
    return {"recipient": f"{recipient.label} ({agency.name}, {agency.ori})",
            "recipient_kind": recipient.kind.value, "sharing_request": row.id,
            "agency": agency.ori}
