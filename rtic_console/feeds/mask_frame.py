"""One unmasked frame of a donor camera, for drawing its agreement's privacy masks.

The donors service decides and audits (`grant_mask_frame`: an ALPR administrator, a saved
agreement, its hours and workstations, a reason); only then is the stream opened, one frame
decoded and handed back in memory. Nothing is written to disk (G.1). Run off the GUI thread.
"""

from __future__ import annotations

import numpy as np

from rtic_console.feeds.video_capture import StreamError, VideoSource
from rtic_console.services import donors
from rtic_console.services.context import Context, InputRejected
from rtic_console.services.runner import perform
from rtic_console.store.database import Database

GRAB_TRIES = 10
TIMEOUT_S = 5.0


def fetch_mask_frame(db: Database, ctx: Context, agreement_id: int, camera_id: int,
                     reason: str) -> np.ndarray:
    """The frame (BGR); raises Refused (audited) or InputRejected with the reason."""
    grant = perform(db, ctx, donors.grant_mask_frame, agreement_id, camera_id, reason)
    try:
        source = VideoSource.open(grant.url.reveal(), open_timeout_s=TIMEOUT_S,
                                  read_timeout_s=TIMEOUT_S)
    except StreamError as exc:
        raise InputRejected(f"no frame from {grant.camera_code}: {exc.reason}") from None
    try:
        for _ in range(GRAB_TRIES):
            read = source.read()
            if read is not None:
                return read[0]
    except StreamError as exc:
        raise InputRejected(f"no frame from {grant.camera_code}: {exc.reason}") from None
    finally:
        source.release()
    raise InputRejected(f"no frame from {grant.camera_code}: none decoded in {GRAB_TRIES} "
                        "tries")
