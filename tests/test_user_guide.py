"""USER_GUIDE.md stays true to what is committed: its policy chapter is what the compliance
matrix makes, the matrix's data renders docs/COMPLIANCE.md, and every link and picture in
the guide leads somewhere."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from rtic_console.cli.compliance_docs import (
    github_slug,
    guide_sections,
    render_markdown,
    write_policy_chapter,
)

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "USER_GUIDE.md"
DATA = ROOT / "docs" / "compliance-matrix.json"
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def committed_summary() -> list[dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_the_policy_chapter_is_what_the_committed_matrix_makes() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    assert guide == write_policy_chapter(committed_summary(), guide), (
        "USER_GUIDE.md's policy chapter differs from the compliance matrix: run "
        "`make policy-chapter` (never edit the chapter by hand)")


def test_compliance_md_is_the_committed_matrix_rendered() -> None:
    assert (ROOT / "docs" / "COMPLIANCE.md").read_text(encoding="utf-8") == render_markdown(
        committed_summary()), "docs/COMPLIANCE.md and docs/compliance-matrix.json differ"


def _anchors(text: str) -> set[str]:
    seen: Counter[str] = Counter()
    anchors = set()
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"^#{1,6} (.+?)\s*$", line)):
            anchors.add(github_slug(m.group(1), seen))
    return anchors


def test_every_link_and_picture_in_the_guide_leads_somewhere() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    anchors = _anchors(text)
    targets = _LINK.findall(re.sub(r"```.*?```", "", text, flags=re.DOTALL))
    assert targets
    broken = [t for t in targets if not t.startswith(("http://", "https://")) and (
        t[1:] not in anchors if t.startswith("#") else not (ROOT / t.split("#")[0]).exists())]
    assert broken == []


def test_every_picture_the_guide_shows_is_a_screenshot_in_both_themes() -> None:
    pictures = re.findall(r"!\[[^\]]*\]\((docs/screenshots/[^)]+)\.png\)",
                          GUIDE.read_text(encoding="utf-8"))
    assert pictures
    missing = [p for p in pictures if not (ROOT / f"{p}-light.png").exists()]
    assert missing == []


@pytest.mark.parametrize(("heading", "clauses"), [
    ("Dispatchers: the hit queue (D.4, D.5, D.6)", {"D.4", "D.5.a", "D.5.b", "D.6.a"}),
    ("sharing (C.2 to C.6, I.2.b)", {"C.2", "C.2.a", "C.3", "C.4", "C.5", "C.6", "I.2.b"}),
    ("the device fleet (A.2, B.2, D.2.b(1))", {"A.2", "B.2", "D.2.b(1)"}),
    ("the voluntary camera registry (H)", {"H.1", "H.2", "H.3"}),
    ("Other-use requests (D.1.c)", {"D.1"}),
    ("Cameras and donor agreements (ALPR administrators; cameras also IT staff)", set()),
    ("Everyone: finding your way", set()),
])
def test_a_heading_is_linked_from_the_clauses_it_names(heading: str,
                                                       clauses: set[str]) -> None:
    found = guide_sections(f"# Guide\n\n## {heading}\n")
    assert {c for c, places in found.items() if places} == clauses
