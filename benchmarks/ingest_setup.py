"""Shared set-up for the ingest benchmarks: a throwaway PostgreSQL database with a hot list."""

from __future__ import annotations

import hashlib
import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2

from rtic_console.config import Settings
from rtic_console.domain.hotlist_index import ocr_key
from rtic_console.feeds.hotlist_files import parse_hotlist
from rtic_console.services.auth import sign_in
from rtic_console.services.context import Context
from rtic_console.services.hotlists import import_list
from rtic_console.services.roster import PersonInput, create_first_admin
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
def throwaway_database() -> Iterator[str]:
    """A fresh PostgreSQL database URL, dropped afterwards."""
    name = f"rtic_bench_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"')
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


def prepare(url: str, hot_count: int, seed: int) -> tuple[Database, Context, list[str]]:
    """Schema, a signed-in ALPR administrator, and a state hot list of hot_count CA plates."""
    db = open_database(url, interactive=False)
    upgrade(db)
    settings = Settings(database_url=url, workstation="BENCH")
    create_first_admin(db, settings, PersonInput("1001", "Sgt. Bench", ("alpr_admin",), "RTIC",
                                                 _trained(), _trained()), PASSWORD)
    ctx = sign_in(db, settings, "1001", PASSWORD)
    plates = hot_plates(hot_count, seed)
    data = ("plate,state,reason\n" + "".join(f"{p},CA,stolen_vehicle\n" for p in plates)).encode()
    parsed = parse_hotlist(data, "bench.csv")
    perform(db, ctx, import_list, "Bench state list", "bench.csv",
            hashlib.sha256(data).hexdigest(), parsed)
    return db, ctx, plates


def _trained() -> str:
    from datetime import date, timedelta

    return (date.today() - timedelta(days=100)).isoformat()
