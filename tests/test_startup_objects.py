"""Start-up's objects leave the collector's full passes, once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

_PROBE = """
import gc, json
import rtic_console.app  # everything a console imports before sign-in
from rtic_console.startup_objects import freeze_startup_objects
tracked = len(gc.get_objects())
freeze_startup_objects()
left, frozen = len(gc.get_objects()), gc.get_freeze_count()
class Cycle:
    pass
late = Cycle()
late.me = late  # made after start-up: still collected once let go
del late
freeze_startup_objects()
print(json.dumps({"tracked": tracked, "left": left, "frozen": frozen,
                  "frozen_again": gc.get_freeze_count(), "collected": gc.collect()}))
"""


def test_start_up_objects_are_frozen_once_and_later_garbage_is_still_collected() -> None:
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                         check=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["tracked"] > 50_000, "a console's imports track this many objects"
    assert figures["left"] < figures["tracked"] // 100, figures
    assert figures["frozen"] > figures["tracked"] // 2, figures
    assert figures["frozen_again"] == figures["frozen"], "a second call freezes nothing more"
    assert figures["collected"] >= 1, "the cycle made after start-up was collected"
