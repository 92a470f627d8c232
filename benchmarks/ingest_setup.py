"""Shared set-up for the ingest benchmarks: a throwaway PostgreSQL database with a hot list."""

from __future__ import annotations

import hashlib
import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import psycopg2

from rtic_console.config import Settings
from rtic_console.domain.hotlist_index import ocr_key
from rtic_console.feeds.hotlist_files import parse_hotlist
from rtic_console.services.auth import sign_in
from rtic_console.services.context import Context
from rtic_console.services.hotlists import import_list
from rtic_console.services.roster import PersonInput, add_person, create_first_admin
from rtic_console.services.runner import perform
from rtic_console.store.database import Database, open_database
from rtic_console.store.migrations import upgrade

ADMIN_DSN = os.environ.get("RTIC_BENCH_PG", "host=127.0.0.1 port=5432 user=postgres "
                           "dbname=postgres connect_timeout=3")
PASSWORD = "bench-password-525"
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def _admin(sql: str) -> None:
    conn = psycopg2.connect(ADMIN_DSN)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


@contextmanager
def throwaway_database(template: str | None = None) -> Iterator[str]:
    """A fresh PostgreSQL database URL (empty, or a file copy of `template`), dropped
    afterwards."""
    name = f"rtic_bench_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"' if template is None else
           f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    params = dict(part.split("=", 1) for part in ADMIN_DSN.split())
    try:
        yield (f"postgresql+psycopg2://{params.get('user', 'postgres')}@"
               f"{params.get('host', '127.0.0.1')}:{params.get('port', '5432')}/{name}")
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def hot_plates(count: int, seed: int) -> list[str]:
    """Distinct plates no two of which an OCR confusion could mix up."""
    rng = random.Random(seed)
    plates: dict[str, str] = {}
    while len(plates) < count:
        plate = (f"{rng.randint(1, 9)}{''.join(rng.choices(LETTERS, k=3))}"
                 f"{rng.randint(0, 999):03d}")
        plates.setdefault(ocr_key(plate), plate)
    return list(plates.values())


def migrated_with_admin(url: str) -> tuple[Database, Settings]:
    """The schema and its first ALPR administrator, 1001, as every benchmark starts."""
    db = open_database(url, interactive=False)
    upgrade(db)
    settings = Settings(database_url=url, workstation="BENCH")
    create_first_admin(db, settings, PersonInput("1001", "Sgt. Bench", ("alpr_admin",), "RTIC",
                                                 _trained(), _trained()), PASSWORD)
    return db, settings


def prepare(url: str, hot_count: int, seed: int) -> tuple[Database, Context, list[str]]:
    """Schema, a signed-in ALPR administrator, and a state hot list of hot_count CA plates."""
    db, settings = migrated_with_admin(url)
    ctx = sign_in(db, settings, "1001", PASSWORD)
    plates = hot_plates(hot_count, seed)
    # A CA DOJ stolen vehicle file: a state extract, so its hits are actionable (I.1).
    data = (f"DATE{date.today():%m/%d/%Y} 06:00\n"
            + "".join(f"{p:<8}CA34{date.today() - timedelta(days=3):%Y%m%d}\n" for p in plates)
            + f"TOTAL RECORD {len(plates):07d}\n").encode()
    parsed = parse_hotlist(data, "svs.tbl")
    perform(db, ctx, import_list, "CA SVS", "svs.tbl", hashlib.sha256(data).hexdigest(), parsed)
    return db, ctx, plates


def dispatcher_context(db: Database, url: str) -> Context:
    """A dispatcher on the roster, signed in: who works the hit queue."""
    settings = Settings(database_url=url, workstation="BENCH")
    admin = sign_in(db, settings, "1001", PASSWORD)
    perform(db, admin, add_person, PersonInput("5201", "Bench Dispatcher", ("dispatcher",),
                                               "Dispatch", _trained(), _trained()), PASSWORD)
    return sign_in(db, settings, "5201", PASSWORD)


def _trained() -> str:
    return (date.today() - timedelta(days=100)).isoformat()
