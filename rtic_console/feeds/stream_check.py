"""The stream check workflow (D.2.b(1)): one function the Cameras tab, the camera dialog and
`rtic-console camera check` all call.

Plan (authorise, find the camera, decide whether its pictures may be decoded: never for a
donor camera), measure the stream, record the result as the cameras' status and audit it.
The measurement holds a thread for seconds: the console runs the whole workflow on the
operation runner's background pool; each database step is its own short transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rtic_console.feeds.stream_probe import StreamProbeError, probe_stream
from rtic_console.services import cameras
from rtic_console.services.context import Context
from rtic_console.services.runner import perform, query
from rtic_console.store.database import Database


@dataclass(frozen=True)
class StreamCheckReport:
    """`label` names the camera and its redacted URL; `outcome` is what the audit holds."""

    label: str
    ok: bool
    decoded: bool
    outcome: dict[str, object]
    picture: np.ndarray | None = None  # the last frame, for the screen; never audited or kept

    def text(self) -> str:
        o = self.outcome
        if not self.ok:
            return f"Cannot read the stream: {o['reason']}"
        how = "" if self.decoded else " (connectivity only: donor camera, no picture decoded)"
        return (f"Stream OK: {o['width']}×{o['height']}, {o['measured_fps']:g} fps measured "
                f"over {o['frames_read']} frames, first frame after "
                f"{o['first_frame_latency_ms']:g} ms{how}.")


def check_stream(db: Database, ctx: Context, *, camera: int | str | None = None,
                 url: str | None = None, frames: int = 30,
                 timeout_s: float = 10.0) -> StreamCheckReport:
    """Checks a camera (by id or code) or a typed URL. Refusals are audited by the runner."""
    plan = query(db, ctx, cameras.plan_stream_check, camera, url)
    try:
        result = probe_stream(plan.url.reveal(), frames=frames, timeout_s=timeout_s,
                              decode=plan.decode, transport=plan.transport)
    except StreamProbeError as exc:
        ok, outcome, picture = False, {"reason": exc.reason, "frames_requested": frames}, None
    else:
        ok, outcome = True, {"width": result.width, "height": result.height,
                             "measured_fps": result.measured_fps,
                             "first_frame_latency_ms": result.first_frame_latency_ms,
                             "frames_read": result.frames_read}
        picture = result.picture if plan.decode else None
    perform(db, ctx, cameras.record_stream_check, plan, ok, outcome)
    return StreamCheckReport(plan.label, ok, plan.decode, outcome, picture)
