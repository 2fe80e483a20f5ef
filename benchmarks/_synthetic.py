"""Synthetic listings for benchmarks — clearly marked, temporary files only, never in data/ or seeds/.

Every synthetic service is named ``…（合成样例 N）`` ("synthetic sample N"), its description starts
with ``合成测试数据，非真实服务`` ("synthetic test data, not a real service"), its id starts with
``synthetic-`` and its origin is ``import``. Places are made-up adjectives, not real streets.

Each service gets :data:`PLACES_PER_SERVICE` synthetic places (``…合成点 N-k``, at
``合成…路 k 号``, ids ``synthetic-place-…``), so that search also indexes places.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

from kiosk.core.content.build import build_database
from kiosk.core.db.connection import connect, transaction
from kiosk.core.search.index import reindex
from kiosk.core.terminal.paths import seeds_dir

PLACES = ["青松", "桂花", "育才", "丰收", "和平", "朝阳", "幸福", "友谊", "光明", "兴华", "长乐", "银杏",
          "向阳", "翠竹", "春晖", "明德", "安康", "永安", "新风", "枫林", "梧桐", "海棠", "石榴", "紫荆"]

STREETS = ["晨曦", "松涛", "云栖", "竹溪", "枫桥", "月湖", "清泉", "白鹭", "荷塘", "杏林", "柳岸", "星河"]
"""Made-up street names for synthetic addresses (合成 = synthetic)."""

PLACES_PER_SERVICE = 2

KINDS: dict[str, list[tuple[str, str, str]]] = {
    # category id: (name part, English, what it offers)
    "elderly": [("养老驿站", "elderly-care post", "助餐和日间照料"), ("日间照料中心", "day-care centre", "日间照料"),
                ("老年食堂", "seniors' canteen", "老年助餐"), ("居家养老服务站", "home-care station", "上门护理")],
    "health": [("卫生服务站", "health station", "基本医疗"), ("社区诊所", "community clinic", "常见病诊疗"),
               ("健康小屋", "health hut", "血压血糖测量"), ("中医馆", "Chinese-medicine clinic", "中医理疗")],
    "culture": [("图书室", "reading room", "借书还书"), ("文化活动室", "culture room", "文艺活动"),
                ("阅览室", "reading hall", "报刊阅览"), ("农家书屋", "village book house", "图书借阅")],
    "sports": [("健身广场", "fitness square", "户外健身"), ("篮球场", "basketball court", "篮球"),
               ("乒乓球室", "table-tennis room", "乒乓球"), ("健身路径", "fitness trail", "健身器材")],
    "government": [("便民服务中心", "citizen service centre", "证件办理"),
                   ("党群服务站", "community service post", "事项代办"),
                   ("社保服务点", "social-insurance point", "社保查询"),
                   ("政务服务点", "government service point", "政务办理")],
}


def synthetic_services(count: int, *, seed: int = 20210901) -> list[dict[str, object]]:
    """``count`` synthetic service rows, reproducible for a given ``seed``."""
    rng = random.Random(seed)
    categories = list(KINDS)
    rows: list[dict[str, object]] = []
    for n in range(1, count + 1):
        category = categories[n % len(categories)]
        part, part_en, offer = rng.choice(KINDS[category])
        place = rng.choice(PLACES)
        rows.append({
            "id": f"synthetic-{n:06d}",
            "category_id": category,
            "name": f"{place}{part}（合成样例{n}）",
            "name_en": f"{part_en} (synthetic sample {n})",
            "description": f"合成测试数据，非真实服务：{place}{part}提供{offer}。",
            "description_en": f"Synthetic test data, not a real service: {part_en}.",
            "status": "active",
            "origin": "import",
            "sort_order": 1000 + n,
        })
    return rows


def synthetic_places(services: list[dict[str, object]], per_service: int = PLACES_PER_SERVICE, *,
                     seed: int = 20210902) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Location rows and service_at_location rows: ``per_service`` places for each synthetic service."""
    rng = random.Random(seed)
    locations: list[dict[str, object]] = []
    links: list[dict[str, object]] = []
    for service in services:
        n = str(service["id"]).removeprefix("synthetic-")
        for k in range(1, per_service + 1):
            street = rng.choice(STREETS)
            place_id = f"synthetic-place-{n}-{k}"
            locations.append({
                "id": place_id,
                "name": f"{rng.choice(PLACES)}{street}合成点{int(n)}-{k}",
                "address": f"合成{street}路{rng.randint(1, 300)}号",
                "community": f"合成{rng.choice(PLACES)}社区",
                "status": "active",
            })
            links.append({"id": f"synthetic-link-{n}-{k}", "service_id": service["id"], "location_id": place_id,
                          "sort_order": k})
    return locations, links


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, object]]) -> None:
    columns = list(rows[0])
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                     [tuple(r[c] for c in columns) for r in rows])


def make_database(directory: Path, count: int) -> tuple[Path, float]:
    """Build the seed database plus ``count`` synthetic services (with their places) in ``directory``.

    Returns the path and the seconds the search re-index took.
    """
    path = directory / f"synthetic-{count}.db"
    build_database(seeds_dir(), path)
    conn = connect(path)
    try:
        rows = synthetic_services(count)
        locations, links = synthetic_places(rows)
        with transaction(conn):
            _insert(conn, "services", rows)
            _insert(conn, "locations", locations)
            _insert(conn, "service_at_location", links)
        start = time.perf_counter()
        with transaction(conn):
            reindex(conn)
        took = time.perf_counter() - start
    finally:
        conn.close()
    return path, took


def open_readonly(path: Path) -> sqlite3.Connection:
    return connect(path, readonly=True)
