"""Pinyin readings stored in the database, so that the resident screens never load pypinyin."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.core.db.connection import connect
from kiosk.core.db.runtime import open_runtime_database
from kiosk.core.listings.editing import save_listing
from kiosk.core.search import pinyin_store
from kiosk.core.search.pinyin import char_readings, han_runs
from tests.helpers.schema import downgrade
from tests.helpers.worker import synthetic_listing

NOW = datetime(2026, 3, 4, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def stored_words(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT word, syllables FROM pinyin_words").fetchall())


def test_build_stores_common_characters_and_name_runs(seed_conn: sqlite3.Connection) -> None:
    chars = dict(seed_conn.execute("SELECT ch, readings FROM pinyin_chars").fetchall())
    assert set(pinyin_store.common_chars()) <= set(chars)
    assert chars["行"].split() == list(char_readings("行"))
    assert "hang" in chars["行"].split() and "xing" in chars["行"].split()
    words = stored_words(seed_conn)
    for (name,) in seed_conn.execute("SELECT name FROM services WHERE status = 'active'"):
        for run in han_runs(name):
            if len(run) >= 2:
                assert len(words[run].split()) == len(run), run
    assert words["养老服务"] == "yang lao fu wu"


def test_word_is_read_in_context() -> None:
    assert pinyin_store.word_syllables("银行") == ("yin", "hang")
    assert pinyin_store.word_syllables("长者食堂") == ("zhang", "zhe", "shi", "tang")
    assert pinyin_store.word_syllables("") == ()


def test_lookups_fall_back_to_pypinyin_for_what_is_not_stored(writable_db: Path) -> None:
    conn = connect(writable_db)
    conn.execute("DELETE FROM pinyin_chars")
    conn.execute("DELETE FROM pinyin_words")
    conn.commit()
    assert pinyin_store.chars_readings(conn, ["养", "x"]) == {"养": char_readings("养")}
    assert pinyin_store.words_syllables(conn, ["银行"]) == {"银行": ("yin", "hang")}
    conn.close()


def test_a_worker_edit_stores_the_readings_of_its_new_name(writable_db: Path) -> None:
    conn = connect(writable_db)
    name = "测试龘龘书屋"  # 龘 is in no seed text and not a common character
    assert pinyin_store.chars_readings(conn, ["龘"])  # pypinyin knows it …
    assert conn.execute("SELECT COUNT(*) FROM pinyin_chars WHERE ch = '龘'").fetchone()[0] == 0  # … not stored
    save_listing(conn, synthetic_listing(name=name), actor="t", now=NOW)
    assert conn.execute("SELECT readings FROM pinyin_chars WHERE ch = '龘'").fetchone()[0] == "da"
    assert stored_words(conn)[name] == "ce shi da da shu wu"
    conn.close()


def test_runtime_database_from_before_the_tables_gets_them_filled(writable_db: Path, tmp_path: Path) -> None:
    old = tmp_path / "data" / "kiosk.db"
    old.parent.mkdir()
    conn = sqlite3.connect(writable_db)
    downgrade(conn, 2)  # a database as v2 left it
    conn.close()
    old.write_bytes(writable_db.read_bytes())
    conn = open_runtime_database(old.parent, writable_db, db_path=old)
    assert not pinyin_store.missing(conn)
    assert stored_words(conn)["养老服务"] == "yang lao fu wu"
    conn.close()


RESIDENT_FLOW = """
import json, sys
from kiosk.core.db.connection import connect
from kiosk.core.search.ranking import search
from kiosk.core.search.candidates import PinyinVocabulary
conn = connect(sys.argv[1], readonly=True)
vocab = PinyinVocabulary.from_connection(conn)
print(json.dumps({
    "yanglao": [c.text for c in vocab.candidates("yanglao")[:3]],
    "yang": [c.text for c in vocab.candidates("yang")[:12]],
    "mixed": [h.name for h in search(conn, "养lao")][:3],
    "pypinyin": sorted(m for m in sys.modules if m.split(".")[0] == "pypinyin"),
}, ensure_ascii=False))
"""


def test_resident_lookups_do_not_load_pypinyin(seed_db_path: Path) -> None:
    """The candidate bar and mixed queries read the stored readings; pypinyin (≈55 MB) stays unloaded."""
    out = subprocess.run([sys.executable, "-c", RESIDENT_FLOW, str(seed_db_path)], capture_output=True,
                         text=True, check=True, timeout=120)
    found = json.loads(out.stdout)
    assert found["pypinyin"] == []
    assert found["yanglao"][0] == "养老"
    assert "养" in found["yang"]
    assert found["mixed"] and any("养老" in name for name in found["mixed"])
