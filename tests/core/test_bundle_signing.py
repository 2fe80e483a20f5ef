"""Signed content bundles: only bundles signed by a trusted office key reach a terminal.

Real key files, real bundle files, real SQLite, and real ``kiosk`` subprocesses for the one-line
refusals. All listing changes here are synthetic test data (测试).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.content.dump import content_hash
from kiosk.core.db.runtime import open_runtime_database
from kiosk.core.exchange.bundle import (
    DB_NAME,
    MANIFEST_NAME,
    BundleError,
    applied_bundle,
    apply_bundle,
    apply_from_inbox,
    export_bundle,
    quarantined,
    read_manifest,
)
from kiosk.core.exchange.signing import (
    SIGNATURE_NAME,
    KeyFileError,
    Trust,
    generate_keys,
    key_id,
    load_private_key,
    load_public_key,
    load_store,
    load_vouch,
    raw_public,
    trust_key,
)

from .test_bundle import NOW

REPO = Path(__file__).resolve().parents[2]
FORGED_PHONE = "00000000（伪造测试号码）"  # synthetic


@pytest.fixture
def office(writable_db: Path) -> Path:
    """An office database with one synthetic edit."""
    conn = sqlite3.connect(writable_db)
    with conn:
        conn.execute("UPDATE services SET description = '（合成测试）签名后的说明', updated_at = ? "
                     "WHERE id = 'community-health-centres'", (NOW.isoformat(),))
    conn.close()
    return writable_db


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    """The office's key folder with office.key and office.pub."""
    generate_keys(tmp_path / "keys", forbidden=[])
    return tmp_path / "keys"


@pytest.fixture
def terminal(tmp_path: Path, seed_db_path: Path) -> Iterator[sqlite3.Connection]:
    conn = open_runtime_database(tmp_path / "terminal", seed_db_path)
    yield conn
    conn.close()


def _trust(tmp_path: Path, *public: Path) -> Trust:
    store = tmp_path / "terminal" / "trusted_keys.json"
    for pub in public:
        trust_key(store, pub, now=NOW)
    return Trust.from_store(store)


def _signed(office: Path, out: Path, keys: Path, version: int) -> Path:
    key = load_private_key(keys / "office.key")
    vouch_file = keys / "office.vouch"
    vouch = load_vouch(vouch_file, raw_public(key.public_key())) if vouch_file.exists() else None
    export_bundle(office, out, version=version, sign_key=key, vouch=vouch, now=NOW)
    return out


def _members(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _rezip(out: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out


def _forge_phone(bundle: Path, out: Path) -> Path:
    """The bundle with a phone number changed and its database SHA-256, size and content hash recomputed."""
    members = _members(bundle)
    work = out.with_suffix(".db")
    work.write_bytes(members[DB_NAME])
    conn = sqlite3.connect(work, isolation_level=None)
    conn.execute("UPDATE phones SET number = ?", (FORGED_PHONE,))
    digest = content_hash(conn)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'content_hash'", (digest,))
    conn.close()
    data = work.read_bytes()
    work.unlink()
    manifest = json.loads(members[MANIFEST_NAME])
    manifest.update(sha256=hashlib.sha256(data).hexdigest(), size=len(data), content_hash=digest)
    members[MANIFEST_NAME] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    members[DB_NAME] = data
    return _rezip(out, members)


def _refused(conn: sqlite3.Connection, path: Path, trust: Trust, expected: str) -> str:
    before = (content_hash(conn), applied_bundle(conn))
    with pytest.raises(BundleError) as info:
        apply_bundle(conn, path, now=NOW, trust=trust)
    assert (content_hash(conn), applied_bundle(conn)) == before
    message = str(info.value)
    assert "\n" not in message and expected in message, message
    return message


def _phones(conn: sqlite3.Connection) -> set[str]:
    return {str(r[0]) for r in conn.execute("SELECT number FROM phones")}


def test_keys_init_makes_a_private_0600_key_and_refuses_overwrite_or_shared_folders(tmp_path: Path) -> None:
    """The private key is mode 0600, the key id is 16 hex of the public key's SHA-256; no overwrite, no data dir."""
    private, public, kid = generate_keys(tmp_path / "k", forbidden=[tmp_path / "data"])
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert kid == hashlib.sha256(load_public_key(public)).hexdigest()[:16] == key_id(load_public_key(public))
    before = private.read_bytes()
    with pytest.raises(KeyFileError, match="already exists"):
        generate_keys(tmp_path / "k", forbidden=[])
    assert private.read_bytes() == before
    with pytest.raises(KeyFileError, match="inside"):
        generate_keys(tmp_path / "data" / "keys", forbidden=[tmp_path / "data"])
    assert not (tmp_path / "data").exists()
    os.chmod(private, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_private_key(private)
    with pytest.raises(KeyFileError, match="PRIVATE key"):
        load_public_key(private)


def test_signed_bundle_applies_and_holds_no_private_key(office: Path, keys: Path, terminal: sqlite3.Connection,
                                                       tmp_path: Path) -> None:
    """A signed bundle carries manifest, database and signature only (no key bytes) and applies."""
    bundle = _signed(office, tmp_path / "v1.zip", keys, 1)
    members = _members(bundle)
    assert set(members) == {MANIFEST_NAME, DB_NAME, SIGNATURE_NAME}
    manifest = json.loads(members[MANIFEST_NAME])
    key = load_private_key(keys / "office.key")
    assert manifest["key_id"] == key_id(raw_public(key.public_key())) and manifest["created"] == NOW.isoformat()
    secret = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                               serialization.NoEncryption())
    whole = bundle.read_bytes() + b"".join(members.values())
    assert secret not in whole and base64.b64encode(secret) not in whole and b"PRIVATE" not in whole
    result = apply_bundle(terminal, bundle, now=NOW, trust=_trust(tmp_path, keys / "office.pub"))
    assert result.applied and applied_bundle(terminal)[0] == 1 and "signed by key" in result.message


def test_forged_phone_with_recomputed_hashes_is_refused(office: Path, keys: Path, terminal: sqlite3.Connection,
                                                        tmp_path: Path) -> None:
    """A phone changed in the database with SHA-256 and content hash recomputed fails the signature."""
    forged = _forge_phone(_signed(office, tmp_path / "v1.zip", keys, 1), tmp_path / "forged.zip")
    trust = _trust(tmp_path, keys / "office.pub")
    _refused(terminal, forged, trust, "signature does not match the manifest")
    assert FORGED_PHONE not in _phones(terminal)
    original = _members(tmp_path / "v1.zip")  # the database changed, the signed manifest kept: the SHA differs
    kept = _rezip(tmp_path / "kept.zip", {**original, DB_NAME: _members(forged)[DB_NAME]})
    _refused(terminal, kept, trust, "SHA-256 does not match")
    # without signature checks the same forgery would have gone through: only the signature stops it
    assert apply_bundle(terminal, forged, now=NOW).applied and FORGED_PHONE in _phones(terminal)


def test_unsigned_unknown_key_and_no_trusted_keys_are_refused(office: Path, keys: Path,
                                                              terminal: sqlite3.Connection, tmp_path: Path) -> None:
    """Unsigned or other-key bundles are refused; with no keys the message says `kiosk keys trust`."""
    generate_keys(tmp_path / "stranger", forbidden=[])
    stranger = _signed(office, tmp_path / "stranger.zip", tmp_path / "stranger", 5)
    unsigned = tmp_path / "unsigned.zip"
    export_bundle(office, unsigned, version=6)
    trust = _trust(tmp_path, keys / "office.pub")
    _refused(terminal, stranger, trust, "which this terminal does not trust")
    _refused(terminal, unsigned, trust, "not signed")
    nobody = Trust({}, store=tmp_path / "none.json")
    _refused(terminal, stranger, nobody, "kiosk keys trust office.pub")
    assert apply_bundle(terminal, unsigned, now=NOW, trust=Trust({}, allow_unsigned=True)).applied


def test_tampered_signature_is_refused(office: Path, keys: Path, terminal: sqlite3.Connection,
                                       tmp_path: Path) -> None:
    """A changed signature, a manifest re-signed with another key id, or a garbage signature: refused."""
    members = _members(_signed(office, tmp_path / "v1.zip", keys, 1))
    sig = json.loads(members[SIGNATURE_NAME])
    raw = bytearray(base64.b64decode(sig["signature"]))
    raw[10] ^= 0x01
    sig["signature"] = base64.b64encode(bytes(raw)).decode()
    flipped = _rezip(tmp_path / "flipped.zip", {**members, SIGNATURE_NAME: json.dumps(sig).encode()})
    trust = _trust(tmp_path, keys / "office.pub")
    _refused(terminal, flipped, trust, "signature does not match")
    manifest = members[MANIFEST_NAME].replace(b'"version": 1', b'"version": 99')
    bumped = _rezip(tmp_path / "bumped.zip", {**members, MANIFEST_NAME: manifest})
    _refused(terminal, bumped, trust, "signature does not match")
    junk = _rezip(tmp_path / "junk.zip", {**members, SIGNATURE_NAME: b"\xff{not json"})
    _refused(terminal, junk, trust, "damaged or not a signature")


def test_replay_of_an_older_or_equal_version_is_refused(office: Path, keys: Path, terminal: sqlite3.Connection,
                                                        tmp_path: Path) -> None:
    """After signed v2, a signed v1 and a different signed v2 are refused; the same v2 is 'already applied'."""
    trust = _trust(tmp_path, keys / "office.pub")
    v1 = _signed(office, tmp_path / "v1.zip", keys, 1)
    v2 = _signed(office, tmp_path / "v2.zip", keys, 2)
    assert apply_bundle(terminal, v2, now=NOW, trust=trust).applied
    _refused(terminal, v1, trust, "older than the applied version 2")
    conn = sqlite3.connect(office)
    with conn:
        conn.execute("UPDATE services SET description = '（合成测试）另一版' WHERE id = 'community-health-centres'")
    conn.close()
    other = _signed(office, tmp_path / "v2-other.zip", keys, 2)
    _refused(terminal, other, trust, "holds other content")
    assert "already applied" in apply_bundle(terminal, v2, now=NOW, trust=trust).message


def test_untrusted_higher_version_never_blocks_a_trusted_one(office: Path, keys: Path, terminal: sqlite3.Connection,
                                                             tmp_path: Path) -> None:
    """Inbox: forged v9, unsigned v8 and trusted v3 after v1: v3 applies, the others go to quarantine/."""
    trust = _trust(tmp_path, keys / "office.pub")
    assert apply_bundle(terminal, _signed(office, tmp_path / "v1.zip", keys, 1), now=NOW, trust=trust).applied
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    generate_keys(tmp_path / "stranger", forbidden=[])
    _signed(office, inbox / "forged-v9.zip", tmp_path / "stranger", 9)
    export_bundle(office, inbox / "unsigned-v8.zip", version=8)
    _forge_phone(_signed(office, tmp_path / "v7.zip", keys, 7), inbox / "tampered-v7.zip")
    _signed(office, inbox / "real-v3.zip", keys, 3)
    report = apply_from_inbox(terminal, inbox, now=NOW, trust=trust)
    assert report.result is not None and report.result.applied and report.result.manifest.version == 3
    assert applied_bundle(terminal)[0] == 3 and FORGED_PHONE not in _phones(terminal)
    reasons = {p.name.split("-", 2)[2]: r for p, r in quarantined(inbox)}
    assert set(reasons) == {"forged-v9.zip", "unsigned-v8.zip", "tampered-v7.zip"}
    assert "does not trust" in reasons["forged-v9.zip"] and "not signed" in reasons["unsigned-v8.zip"]
    again = apply_from_inbox(terminal, inbox, now=NOW, trust=trust)
    assert again.result is not None and not again.result.applied and "up to date (content bundle v3)" in \
        again.result.message
    _signed(office, tmp_path / "v2.zip", keys, 2)
    os.replace(tmp_path / "v2.zip", inbox / "replay-v2.zip")
    (inbox / "real-v3.zip").unlink()  # only the replay is left: refused and moved aside, nothing applied
    late = apply_from_inbox(terminal, inbox, now=NOW, trust=trust)
    assert late.result is None and applied_bundle(terminal)[0] == 3
    assert any("replay-v2.zip" in p.name and "older than the applied version 3" in r for p, r in quarantined(inbox))


def test_rotation_a_vouched_new_key_is_accepted_and_then_trusted(office: Path, keys: Path,
                                                                 terminal: sqlite3.Connection,
                                                                 tmp_path: Path) -> None:
    """A bundle signed by a new key the old trusted key vouched for applies; the new key is trusted after."""
    trust = _trust(tmp_path, keys / "office.pub")
    generate_keys(tmp_path / "new", forbidden=[], vouched_by=keys / "office.key")
    new_id = key_id(load_public_key(tmp_path / "new" / "office.pub"))
    result = apply_bundle(terminal, _signed(office, tmp_path / "v1.zip", tmp_path / "new", 1), now=NOW, trust=trust)
    assert result.applied and result.adopted == new_id
    stored = {k.key_id: k.source for k in load_store(tmp_path / "terminal" / "trusted_keys.json")}
    assert new_id in stored and "vouched for by key" in stored[new_id]
    (tmp_path / "new" / "office.vouch").unlink()  # later bundles carry no vouch: the new key is trusted itself
    fresh = Trust.from_store(tmp_path / "terminal" / "trusted_keys.json")
    assert apply_bundle(terminal, _signed(office, tmp_path / "v2.zip", tmp_path / "new", 2), now=NOW,
                        trust=fresh).applied
    # a key that vouches for itself in the old key's name is not believed
    generate_keys(tmp_path / "evil", forbidden=[])
    evil = load_private_key(tmp_path / "evil" / "office.key")
    members = _members(_signed(office, tmp_path / "v3.zip", tmp_path / "evil", 3))
    sig = json.loads(members[SIGNATURE_NAME])
    sig["vouch"] = {"by": key_id(load_public_key(keys / "office.pub")),
                    "signature": base64.b64encode(evil.sign(b"x")).decode()}
    fake = _rezip(tmp_path / "fake.zip", {**members, SIGNATURE_NAME: json.dumps(sig).encode()})
    _refused(terminal, fake, Trust.from_store(tmp_path / "terminal" / "trusted_keys.json"), "does not verify")


# ── real processes ──────────────────────────────────────────────────────────────────────────────


def _kiosk(tmp_path: Path, data: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "KIOSK_DATA_DIR": str(data), "TMPDIR": str(tmp_path)}
    env.pop("KIOSK_CONFIG", None)
    env.pop("KIOSK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "kiosk", *argv], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env=env)


def test_kiosk_commands_sign_trust_and_refuse_forgeries_in_one_line(office: Path, tmp_path: Path) -> None:
    """Real `kiosk`: keys init/trust/list, bundle --sign-key applies; a forged bundle exits 1 in one line."""
    office_dir, terminal = tmp_path / "office", tmp_path / "terminal"
    made = _kiosk(tmp_path, office_dir, "keys", "init", str(tmp_path / "keys"))
    assert made.returncode == 0, made.stderr
    kid = key_id(load_public_key(tmp_path / "keys" / "office.pub"))
    assert f"made key {kid}" in made.stdout
    inside = _kiosk(tmp_path, office_dir, "keys", "init", str(office_dir / "keys"))
    assert inside.returncode == 1 and len(inside.stderr.strip().splitlines()) == 1 and "inside" in inside.stderr
    bundle = tmp_path / "v1.zip"
    signed = _kiosk(tmp_path, office_dir, "bundle", "--db", str(office), "--out", str(bundle), "--version", "1",
                    "--sign-key", str(tmp_path / "keys" / "office.key"))
    assert signed.returncode == 0 and f"signed by key {kid}" in signed.stdout, signed.stderr
    untrusted = _kiosk(tmp_path, terminal, "update-content", str(bundle))
    assert untrusted.returncode == 1 and "kiosk keys trust office.pub" in untrusted.stderr
    assert len(untrusted.stderr.strip().splitlines()) == 1
    assert _kiosk(tmp_path, terminal, "keys", "trust", str(tmp_path / "keys" / "office.pub")).returncode == 0
    assert kid in _kiosk(tmp_path, terminal, "keys", "list").stdout
    forged = _forge_phone(bundle, tmp_path / "forged.zip")
    before = (terminal / "kiosk.db").read_bytes()
    refused = _kiosk(tmp_path, terminal, "update-content", str(forged))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [refused.stderr.strip()] and "signature" in refused.stderr
    assert (terminal / "kiosk.db").read_bytes() == before
    applied = _kiosk(tmp_path, terminal, "update-content", str(bundle))
    assert applied.returncode == 0 and "applied content bundle v1 signed by key" in applied.stdout, applied.stderr
    gone = _kiosk(tmp_path, terminal, "keys", "untrust", kid)
    assert gone.returncode == 0 and kid not in _kiosk(tmp_path, terminal, "keys", "list").stdout


def test_watcher_moves_a_forged_bundle_to_quarantine_with_its_reason(office: Path, keys: Path,
                                                                     tmp_path: Path) -> None:
    """Real `update-content --watch --once`: the forged bundle is moved aside with a reason, the real one applies."""
    terminal = tmp_path / "terminal"
    assert _kiosk(tmp_path, terminal, "keys", "trust", str(keys / "office.pub")).returncode == 0
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _forge_phone(_signed(office, tmp_path / "v5.zip", keys, 5), inbox / "content-v5.zip")
    _signed(office, inbox / "content-v4.zip", keys, 4)
    look = _kiosk(tmp_path, terminal, "update-content", "--watch", str(inbox), "--once")
    assert look.returncode == 0, look.stderr
    assert "content-v4.zip: applied content bundle v4" in look.stdout
    [(moved, reason)] = quarantined(inbox)
    assert moved.name.endswith("content-v5.zip") and "signature does not match" in reason


def test_doctor_says_whether_the_terminal_trusts_a_key(keys: Path, tmp_path: Path) -> None:
    """The doctor's signing check: PROBLEM with an inbox and no key, WARN if unsigned are allowed, OK once trusted."""
    from kiosk.core.terminal.config import Config
    from kiosk.core.terminal.health import OK, PROBLEM, WARN, check_signing

    data = tmp_path / "terminal"
    inbox = Config(content_inbox=str(tmp_path / "inbox"))
    none = check_signing(inbox, data)
    assert none.status == PROBLEM and "kiosk keys trust office.pub" in none.fix
    assert check_signing(Config(content_inbox=str(tmp_path / "inbox"), allow_unsigned_bundles=True),
                         data).status == WARN
    trust_key(data / "trusted_keys.json", keys / "office.pub", now=NOW)
    trusted = check_signing(inbox, data)
    assert trusted.status == OK and key_id(load_public_key(keys / "office.pub")) in trusted.detail


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), st.dictionaries(st.sampled_from(
    ["format", "algorithm", "key_id", "public_key", "signature", "vouch"]),
    st.one_of(st.none(), st.integers(), st.text(max_size=90), st.lists(st.integers(), max_size=3)),
    max_size=6).map(lambda d: json.dumps(d).encode())))
def test_any_signature_bytes_are_a_one_line_refusal(data: bytes, signed_members: dict[str, bytes],
                                                    office_trust: Trust, tmp_path: Path) -> None:
    """Whatever manifest.sig holds, reading the bundle is a one-line BundleError, never another exception."""
    bundle = _rezip(tmp_path / "sig.zip", {**signed_members, SIGNATURE_NAME: data})
    with pytest.raises(BundleError) as info:
        read_manifest(bundle, office_trust)
    assert "\n" not in str(info.value) and len(str(info.value)) < 500


@pytest.fixture
def signed_members(office: Path, keys: Path, tmp_path: Path) -> dict[str, bytes]:
    return _members(_signed(office, tmp_path / "base.zip", keys, 1))


@pytest.fixture
def office_trust(keys: Path, tmp_path: Path) -> Trust:
    return _trust(tmp_path, keys / "office.pub")


def test_bundle_refuses_to_write_into_the_key_folder(office: Path, keys: Path, tmp_path: Path) -> None:
    """`kiosk bundle --sign-key K --out` inside K's folder is refused: the key folder is never shared."""
    from kiosk.cli import main

    assert main(["bundle", "--db", str(office), "--out", str(keys / "c.zip"), "--sign-key",
                 str(keys / "office.key")]) == 1
    assert not (keys / "c.zip").exists()
