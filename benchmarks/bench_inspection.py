"""A quarter's inspection on PostgreSQL with 50,000 logged searches by 40 people: opening it,
the first page of the search review, flagging every search, one review, and the PDF.

The searches are generated inside PostgreSQL (set-up, not timed); everything timed runs
through the real services as the Inspections tab and `rtic-console inspection` run them.

    python benchmarks/bench_inspection.py [--searches N] [--people N]

Prints one JSON object. Targets (issue 13): first page <= 1 s, flagging <= 5 s, PDF <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_setup import PASSWORD, _trained, migrated_with_admin, throwaway_database

from rtic_console.domain.inspections import Quarter, SearchFact, flag_searches
from rtic_console.reports.inspection_pdf import produce_inspection_pdf
from rtic_console.services.auth import sign_in
from rtic_console.services.inspection_searches import _cases_with_activity
from rtic_console.services.inspections import (
    inspection_row,
    inspection_searches,
    open_inspection,
    review_search,
)
from rtic_console.services.roster import PersonInput, add_person
from rtic_console.services.runner import perform, query
from rtic_console.store.models import SearchRecord

_SEARCHES_SQL = """
INSERT INTO searches (person_id, actor_badge, searched_at, kind, purpose, case_number,
    plate_pattern, match_mode, parameters, result_count)
SELECT p.id, p.badge,
       %(start)s::timestamptz + random() * (%(end)s::timestamptz - %(start)s::timestamptz),
       'plate',
       (ARRAY['stolen_vehicle_or_plate','wanted_or_missing','other_use'])[
           1 + floor(power(random(), 4) * 3)::int],
       '26-' || lpad((floor(random() * 8000))::text, 5, '0'),
       (1 + floor(random() * 9))::text || 'ABC' || lpad(floor(power(random(), 2) * 999)::text,
                                                        3, '0'),
       'exact', '{}', floor(power(random(), 6) * 2000)::int
FROM generate_series(1, %(count)s) AS g
CROSS JOIN LATERAL (SELECT id, badge FROM personnel WHERE badge LIKE '6%%'
                    ORDER BY random() + 0 * g LIMIT 1) AS p
"""

TARGETS = {"first_page_s": 1.0, "flagging_s": 5.0, "pdf_s": 10.0}


def _seconds(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def run(url: str, searches: int, people: int) -> dict[str, object]:
    db, settings = migrated_with_admin(url)
    admin = sign_in(db, settings, "1001", PASSWORD)
    for n in range(people):
        perform(db, admin, add_person, PersonInput(f"6{n:03d}", f"Officer {n}", ("officer",),
                                                   f"Division {n % 4}", _trained(),
                                                   _trained()), PASSWORD)
    quarter = Quarter.containing(datetime.now().astimezone()).previous()
    start, end = quarter.bounds(None)
    conn = psycopg2.connect(url.replace("postgresql+psycopg2://", "postgresql://"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(_SEARCHES_SQL, {"start": start, "end": end, "count": searches})
        cur.execute("ANALYZE searches")
    conn.close()

    began = time.perf_counter()
    perform(db, admin, open_inspection, quarter.label)
    opened = _seconds(began)
    began = time.perf_counter()
    page = query(db, admin, inspection_searches, quarter.label, limit=200)
    first_page = _seconds(began)

    with db.read() as session:
        row = inspection_row(session, quarter.label)
        facts = [SearchFact(i, p, at, case, plate, purpose == "other_use", n)
                 for i, p, at, case, plate, purpose, n in session.execute(
                     SearchRecord.__table__.select().with_only_columns(
                         SearchRecord.id, SearchRecord.person_id, SearchRecord.searched_at,
                         SearchRecord.case_number, SearchRecord.plate_pattern,
                         SearchRecord.purpose, SearchRecord.result_count)
                     .where(SearchRecord.searched_at >= row.starts_at,
                            SearchRecord.searched_at < row.ends_at))]
        cases = _cases_with_activity(session)
    began = time.perf_counter()
    flags = flag_searches(facts, cases)
    flagging = _seconds(began)

    began = time.perf_counter()
    perform(db, admin, review_search, quarter.label, page.items[0].search_id, "compliant",
            None)
    one_review = _seconds(began)

    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        _report, pages = produce_inspection_pdf(db, admin, quarter.label,
                                                Path(folder) / "inspection.pdf")
        pdf = _seconds(began)
    db.dispose()
    return {"searches": page.searches, "people": people, "quarter": quarter.label,
            "flagged": sum(1 for f in flags.values() if f),
            "open_s": opened, "first_page_s": first_page,
            "flagging_pass_s": flagging, "review_one_s": one_review,
            "pdf_s": pdf, "pdf_pages": pages, "targets": TARGETS,
            "meets_targets": first_page <= TARGETS["first_page_s"]
            and flagging <= TARGETS["flagging_s"] and pdf <= TARGETS["pdf_s"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=50_000)
    parser.add_argument("--people", type=int, default=40)
    args = parser.parse_args()
    with throwaway_database() as url:
        figures = run(url, args.searches, args.people)
    print(json.dumps(figures, indent=2))
    return 0 if figures["meets_targets"] else 1


if __name__ == "__main__":
    sys.exit(main())
