"""Signed content bundles: the office's Ed25519 key, the terminal's trusted keys, and key rotation.

Checking a bundle's SHA-256 only proves it arrived whole; anyone who can write to the inbox share
could change a phone number, recompute the hash and reach every terminal. So the office signs each
bundle's manifest (which carries the database's SHA-256, the version, the creation time and the
signer's key id) with its private key, and a terminal applies only bundles signed by a key it
trusts. The signature is a detached member ``manifest.sig`` of the bundle over the exact manifest
bytes; changing the database changes its SHA-256, so it no longer matches the signed manifest.

Keys are Ed25519 (the ``cryptography`` package; nothing home-made). A key's id is the first 16 hex
digits of the SHA-256 of its raw 32-byte public key. The private key is a PKCS#8 PEM file of mode
0600 (``office.key``), the public key a PEM file (``office.pub``) copied to each terminal and added
with ``kiosk keys trust``. The terminal keeps its trusted keys in a small JSON file.

Rotation: a new key pair made with ``kiosk keys init NEWDIR --vouched-by OLD.key`` gets a *vouch*
(``office.vouch``: the old key's signature over the new public key). Bundles signed with the new key
carry it; a terminal that trusts the old key accepts them and from then on trusts the new key too
(recorded in its store with where it came from). A vouch covers one step (old → new).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.core.errors import KioskError

SIGNATURE_NAME = "manifest.sig"
"""The bundle member holding the detached signature over ``manifest.json``."""
SIGNATURE_FORMAT = "shangjie-kiosk-signature"
VOUCH_FORMAT = "shangjie-kiosk-vouch"
STORE_FORMAT = "shangjie-kiosk-trusted-keys"
ALGORITHM = "ed25519"
MANIFEST_CONTEXT = b"shangjie-kiosk manifest signature v1\n"
"""Signed before the manifest bytes, so that a signature over one kind of message is never valid for another."""
VOUCH_CONTEXT = b"shangjie-kiosk key vouch v1\n"
PRIVATE_NAME = "office.key"
PUBLIC_NAME = "office.pub"
VOUCH_SUFFIX = ".vouch"
STORE_NAME = "trusted_keys.json"
"""The terminal's trusted keys in its data directory (unless the ``trusted_keys`` setting names another file)."""
KEY_ID_CHARS = 16
MAX_KEY_FILE_BYTES = 16 * 1024
MAX_SIGNATURE_BYTES = 8 * 1024
MAX_STORE_BYTES = 256 * 1024
MAX_TRUSTED = 64


class KeyFileError(KioskError):
    """A key file or the trusted-key store is missing, unreadable or not what it should be."""


class SignatureRefused(KioskError):
    """A bundle is unsigned, signed by a key this terminal does not trust, or its signature does not match."""


class NoTrustedKeys(KioskError):
    """This terminal trusts no key yet and unsigned bundles are not allowed (not the bundle's fault)."""


def key_id(public_raw: bytes) -> str:
    """The id of a public key: the first 16 hex digits of the SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(public_raw).hexdigest()[:KEY_ID_CHARS]


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any, what: str, size: int) -> bytes:
    if not isinstance(value, str) or len(value) > 4 * size:
        raise ValueError(f"{what} is not base64 text")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"{what} is not base64 text") from exc
    if len(data) != size:
        raise ValueError(f"{what} has {len(data)} bytes, expected {size}")
    return data


def _read_small(path: Path, what: str, limit: int) -> bytes:
    path = Path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise KeyFileError(f"{what} {path} is not a regular file")
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError as exc:
        raise KeyFileError(f"{what} not found: {path}") from exc
    except OSError as exc:
        raise KeyFileError(f"{what} {path} cannot be read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise KeyFileError(f"{what} {path} is far too large for a key file")
    return data


# ── the office's key pair ───────────────────────────────────────────────────────────────────────


def inside(path: Path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or below it (both resolved)."""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def generate_keys(folder: Path, *, forbidden: list[Path], vouched_by: Path | None = None) -> tuple[Path, Path, str]:
    """Make a new key pair in ``folder``: ``office.key`` (mode 0600) and ``office.pub``; return them and the id.

    Refuses a ``folder`` inside any of ``forbidden`` (the data directory, the content inbox, the program's
    data: places that are copied or shared) and refuses to overwrite existing key files. With
    ``vouched_by`` (the old private key file) also writes ``office.vouch`` for key rotation.
    """
    folder = Path(folder)
    for place in forbidden:
        if inside(folder, place):
            raise KeyFileError(f"{folder} is inside {place}, which is copied or shared; keep the office's private "
                            "key in a folder of its own (e.g. ~/kiosk-keys)")
    old = load_private_key(vouched_by) if vouched_by is not None else None
    private, public = folder / PRIVATE_NAME, folder / PUBLIC_NAME
    vouch = private.with_suffix(VOUCH_SUFFIX)
    for existing in (private, public, vouch):
        if existing.exists() or existing.is_symlink():
            raise KeyFileError(f"{existing} already exists; refusing to overwrite a key (choose another folder)")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise KeyFileError(f"cannot make the key folder {folder}: {exc.strerror or exc}") from exc
    if not folder.is_dir():
        raise KeyFileError(f"{folder} is not a folder")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    pub = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    written: list[Path] = []
    try:
        _write_new(private, pem, 0o600)
        written.append(private)
        _write_new(public, pub, 0o644)
        written.append(public)
        if old is not None:
            _write_new(vouch, make_vouch(old, raw_public(key.public_key())), 0o644)
            written.append(vouch)
    except OSError as exc:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise KeyFileError(f"cannot write the key files in {folder}: {exc.strerror or exc}; nothing was kept") from exc
    return private, public, key_id(raw_public(key.public_key()))


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)  # whatever the umask
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The office's private key from its PEM file; refuses a file others can read (chmod 600)."""
    path = Path(path)
    data = _read_small(path, "private key file", MAX_KEY_FILE_BYTES)
    mode = stat.S_IMODE(path.stat().st_mode)
    if b"PRIVATE KEY" not in data:
        raise KeyFileError(f"{path} is not a private key file (give the office.key made by `kiosk keys init`)")
    if mode & 0o077:
        raise KeyFileError(f"private key file {path} can be read by others (mode {mode:04o}); run: chmod 600 {path}")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{path} is not an unencrypted private key file made by `kiosk keys init`") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} holds a {type(key).__name__}, not an Ed25519 key made by `kiosk keys init`")
    return key


def load_public_key(path: Path) -> bytes:
    """The raw 32 bytes of a public key PEM file (``office.pub``)."""
    path = Path(path)
    data = _read_small(path, "public key file", MAX_KEY_FILE_BYTES)
    if b"PRIVATE KEY" in data:
        raise KeyFileError(f"{path} is a PRIVATE key; give the public key file (office.pub) — the private key "
                        "never leaves the office")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{path} is not a public key file (give the office.pub made by `kiosk keys init`)") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path} holds a {type(key).__name__}, not an Ed25519 key made by `kiosk keys init`")
    return raw_public(key)


# ── signatures and vouches ──────────────────────────────────────────────────────────────────────


def make_vouch(old: Ed25519PrivateKey, new_public: bytes) -> bytes:
    """The vouch file: the old key's signature over the new public key."""
    old_raw = raw_public(old.public_key())
    doc = {"format": VOUCH_FORMAT, "algorithm": ALGORITHM, "key_id": key_id(new_public),
           "public_key": _b64(new_public), "by": key_id(old_raw),
           "signature": _b64(old.sign(VOUCH_CONTEXT + new_public))}
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("ascii")


@dataclass(frozen=True)
class Vouch:
    """Key ``by`` vouches for the key the bundle is signed with."""

    by: str
    signature: bytes


def load_vouch(path: Path, public: bytes) -> Vouch:
    """The vouch in file ``path``, which must be for the public key ``public`` (the signing key's)."""
    data = _read_small(path, "vouch file", MAX_SIGNATURE_BYTES)
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != VOUCH_FORMAT:
            raise ValueError("not a vouch file")
        vouched = _unb64(doc.get("public_key"), "public_key", 32)
        vouch = Vouch(by=_key_id_text(doc.get("by")), signature=_unb64(doc.get("signature"), "signature", 64))
    except (ValueError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"{path} is not a vouch file made by `kiosk keys init --vouched-by`: {exc}") from exc
    if vouched != public:
        raise KeyFileError(f"{path} vouches for key {key_id(vouched)}, not for the signing key {key_id(public)}")
    return vouch


def _key_id_text(value: Any) -> str:
    if not isinstance(value, str) or len(value) != KEY_ID_CHARS or any(c not in "0123456789abcdef" for c in value):
        raise ValueError("a key id is 16 hex digits")
    return value


def sign_manifest(key: Ed25519PrivateKey, manifest: bytes, vouch: Vouch | None = None) -> bytes:
    """The ``manifest.sig`` member: the signature over the exact ``manifest`` bytes (and the vouch, if any)."""
    public = raw_public(key.public_key())
    doc: dict[str, Any] = {"format": SIGNATURE_FORMAT, "algorithm": ALGORITHM, "key_id": key_id(public),
                           "public_key": _b64(public), "signature": _b64(key.sign(MANIFEST_CONTEXT + manifest))}
    if vouch is not None:
        doc["vouch"] = {"by": vouch.by, "signature": _b64(vouch.signature)}
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("ascii")


@dataclass(frozen=True)
class Signature:
    """A parsed ``manifest.sig``."""

    key_id: str
    public_key: bytes
    signature: bytes
    vouch: Vouch | None = None


def parse_signature(data: bytes) -> Signature:
    """``manifest.sig`` bytes as a Signature; SignatureRefused (one line) when they are not one."""
    if len(data) > MAX_SIGNATURE_BYTES:
        raise SignatureRefused(f"{SIGNATURE_NAME} is implausibly large")
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != SIGNATURE_FORMAT or doc.get("algorithm") != ALGORITHM:
            raise ValueError(f"not an {ALGORITHM} signature of this program")
        public = _unb64(doc.get("public_key"), "public_key", 32)
        sid = _key_id_text(doc.get("key_id"))
        if sid != key_id(public):
            raise ValueError("key_id does not belong to public_key")
        vouch = None
        if doc.get("vouch") is not None:
            raw = doc["vouch"]
            if not isinstance(raw, dict):
                raise ValueError("vouch is not an object")
            vouch = Vouch(by=_key_id_text(raw.get("by")), signature=_unb64(raw.get("signature"), "vouch", 64))
        return Signature(sid, public, _unb64(doc.get("signature"), "signature", 64), vouch)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        text = " ".join(str(exc).split())[:120]
        raise SignatureRefused(f"{SIGNATURE_NAME} is damaged or not a signature: {text}") from exc


def _valid(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# ── the terminal's trusted keys ─────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class TrustedKey:
    """One key this terminal accepts bundles from."""

    key_id: str
    public_key: bytes
    added: str
    source: str

    def to_json(self) -> dict[str, str]:
        return {"key_id": self.key_id, "public_key": _b64(self.public_key), "added": self.added,
                "source": self.source}


def load_store(path: Path) -> list[TrustedKey]:
    """The trusted keys recorded in ``path`` (none when the file does not exist)."""
    path = Path(path)
    if not path.exists():
        return []
    data = _read_small(path, "trusted-key file", MAX_STORE_BYTES)
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != STORE_FORMAT or not isinstance(doc.get("keys"), list):
            raise ValueError(f"not a {STORE_FORMAT} file")
        keys = []
        for item in doc["keys"][:MAX_TRUSTED]:
            public = _unb64(item.get("public_key"), "public_key", 32)
            keys.append(TrustedKey(key_id(public), public, str(item.get("added", ""))[:40],
                                   str(item.get("source", ""))[:300]))
    except (ValueError, AttributeError, UnicodeDecodeError, RecursionError) as exc:
        text = " ".join(str(exc).split())[:120]
        raise KeyFileError(f"trusted-key file {path} is damaged ({text}); move it aside and run "
                        "`kiosk keys trust office.pub` again") from exc
    return keys


def save_store(path: Path, keys: list[TrustedKey]) -> None:
    """Write the trusted keys to ``path`` atomically (a crash leaves the old file or the new one)."""
    path = Path(path)
    doc = {"format": STORE_FORMAT, "keys": [k.to_json() for k in keys]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(name, 0o644)
            os.replace(name, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
    except OSError as exc:
        raise KeyFileError(f"trusted-key file {path} cannot be written: {exc.strerror or exc}; "
                           "nothing changed") from exc


def trust_key(store: Path, public_file: Path, *, now: datetime) -> tuple[TrustedKey, bool]:
    """Add the key in ``public_file`` to ``store``; returns it and False when it was trusted already."""
    public = load_public_key(public_file)
    keys = load_store(store)
    kid = key_id(public)
    for known in keys:
        if known.key_id == kid:
            return known, False
    if len(keys) >= MAX_TRUSTED:
        raise KeyFileError(f"this terminal already trusts {MAX_TRUSTED} keys; `kiosk keys untrust` old ones first")
    entry = TrustedKey(kid, public, now.isoformat(timespec="seconds"), f"trusted from {Path(public_file).name}")
    save_store(store, [*keys, entry])
    return entry, True


def untrust_key(store: Path, kid: str) -> TrustedKey:
    """Remove key ``kid`` from ``store`` and return it; KeyFileError when it is not trusted."""
    keys = load_store(store)
    kept = [k for k in keys if k.key_id != kid.strip().lower()]
    if len(kept) == len(keys):
        known = ", ".join(k.key_id for k in keys) or "none"
        raise KeyFileError(f"key {kid[:40]!r} is not trusted here (trusted: {known}); see `kiosk keys list`")
    save_store(store, kept)
    return next(k for k in keys if k.key_id == kid.strip().lower())


@dataclass
class Trust:
    """What a terminal accepts: bundles signed by ``keys`` (or vouched for by one), or unsigned ones if allowed.

    With keys, every bundle must be signed by one of them. Without keys, bundles are refused with a
    message saying how to trust the office key, unless ``allow_unsigned`` (then nothing is checked).
    """

    keys: dict[str, TrustedKey]
    allow_unsigned: bool = False
    store: Path | None = None
    vouched: dict[str, TrustedKey] = field(default_factory=dict)
    """Keys accepted by a vouch during this run, recorded by :meth:`adopt` once their bundle is applied."""

    @classmethod
    def from_store(cls, store: Path, *, allow_unsigned: bool = False) -> Trust:
        return cls({k.key_id: k for k in load_store(store)}, allow_unsigned, Path(store))

    def verify(self, manifest: bytes, signature: bytes | None, name: str) -> str | None:
        """The id of the trusted key that signed ``manifest`` (None: unsigned, allowed); else raise one line."""
        if not self.keys:
            if self.allow_unsigned:
                return None
            raise NoTrustedKeys(f"{name}: this terminal trusts no signing key yet, so it applies no bundle; copy "
                                "the office's public key here and run `kiosk keys trust office.pub` (or set "
                                "allow_unsigned_bundles = true in the config for a test setup)")
        if signature is None:
            raise SignatureRefused(f"{name}: the bundle is not signed; this terminal applies only bundles signed "
                                   "by a trusted office key (make them with `kiosk bundle --sign-key office.key`)")
        try:
            sig = parse_signature(signature)
        except SignatureRefused as exc:
            raise SignatureRefused(f"{name}: {exc}") from exc
        known = self.keys.get(sig.key_id) or self.vouched.get(sig.key_id)
        if known is None:
            known = self._by_vouch(sig, name)
        if known.public_key != sig.public_key:  # pragma: no cover - the id is the public key's hash
            raise SignatureRefused(f"{name}: the signing key does not match trusted key {sig.key_id}")
        if not _valid(known.public_key, sig.signature, MANIFEST_CONTEXT + manifest):
            raise SignatureRefused(f"{name}: the signature does not match the manifest (the bundle was changed "
                                   f"after key {sig.key_id} signed it, or the signature is forged)")
        return sig.key_id

    def _by_vouch(self, sig: Signature, name: str) -> TrustedKey:
        vouch = sig.vouch
        trusted = ", ".join(sorted(self.keys))
        if vouch is None or vouch.by not in self.keys:
            raise SignatureRefused(f"{name}: signed by key {sig.key_id}, which this terminal does not trust "
                                   f"(trusted: {trusted}); if it is the office's new key, run `kiosk keys trust`")
        if not _valid(self.keys[vouch.by].public_key, vouch.signature, VOUCH_CONTEXT + sig.public_key):
            raise SignatureRefused(f"{name}: signed by key {sig.key_id} with a vouch from {vouch.by} that does not "
                                   "verify (forged); refused")
        entry = TrustedKey(sig.key_id, sig.public_key, "", f"vouched for by key {vouch.by} in {name[:120]}")
        self.vouched[sig.key_id] = entry
        return entry

    def adopt(self, kid: str | None, *, now: datetime) -> TrustedKey | None:
        """After a bundle signed by vouched key ``kid`` was applied, trust that key from now on (recorded)."""
        if kid is None or kid in self.keys or kid not in self.vouched:
            return None
        entry = TrustedKey(kid, self.vouched[kid].public_key, now.isoformat(timespec="seconds"),
                           self.vouched[kid].source)
        if self.store is not None:
            current = load_store(self.store)
            if all(k.key_id != kid for k in current):
                save_store(self.store, [*current, entry])
        self.keys[kid] = entry
        del self.vouched[kid]
        return entry


def store_path(setting: str, data_dir: Path) -> Path:
    """The terminal's trusted-key file: the ``trusted_keys`` setting, else ``trusted_keys.json`` in ``data_dir``."""
    return Path(setting) if setting else Path(data_dir) / STORE_NAME
