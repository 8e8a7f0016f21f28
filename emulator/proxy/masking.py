"""What a recording may not keep in clear: credentials, and personal data such as phone numbers.

Credentials (named headers, query parameters and body fields, and headers and fields whose
names say secret, token, password…) become `****`, keeping an auth scheme word so a recording
still shows how the client authenticated. Personal data (values
at JSON pointers, and anything a pattern matches, anywhere: path, query, headers, bodies)
becomes a pseudonym of the same shape: digits stay digits, hex letters stay hex letters, other
letters stay letters of the same case, everything else is kept. A pseudonym is an HMAC of the
value under a key kept beside the recordings, so one phone number gets one pseudonym in every
file (a recorded GET by number still matches the recorded POST that created it), validation
still sees an E.164 number, and replay can mask a live request the same way to find its match.

Users add rules with a YAML or JSON file; telemock's own rules always apply.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..core.journal import mask_set_cookies
from ..core.secrets import MASK, SECRET_BODY_KEYS, SECRET_HEADERS, SECRET_QUERY_KEYS, mask_cookie, mask_value

KEY_FILE = ".mask-key"
# Signatures are not credentials, but a masked body no longer matches them: showing them would only mislead.
SIGNATURE_HEADERS = {
    "x-voipbin-signature", "x-signalwire-signature", "x-signalwire-sha256-signature",
    "webhook-signature", "svix-signature",
}
RULE_KEYS = ("headers", "query", "fields", "pointers", "patterns")
# Names that say "credential" whatever the provider calls it (`X-Secret`, a receiver's `X-Auth-Token`).
SECRET_HEADER_WORDS = ("secret", "token", "password", "auth", "api-key", "apikey", "signature", "session")
SECRET_FIELD_WORDS = ("secret", "password")
MORE_SECRET_FIELDS = {"access_token", "refresh_token", "api_token", "private_key"}


@dataclass(frozen=True)
class Pattern:
    """A regex whose matches are personal data; the first `keep` characters of a match stay (a `+1`)."""

    regex: re.Pattern[str]
    keep: int = 0


DEFAULT_PATTERNS = (
    Pattern(re.compile(r"\+[1-9]\d{6,14}"), keep=4),  # E.164 phone numbers: "+" and three digits stay (a country code, a +899 range)
    Pattern(re.compile(r"\(\d{3}\) \d{3}-\d{4}")),  # North American numbers as providers format them
    Pattern(re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),  # e-mail addresses
)


@dataclass(frozen=True)
class MaskRules:
    """Names (lowercase) and places whose values are masked, telemock's own plus the user's."""

    headers: frozenset[str] = frozenset(SECRET_HEADERS | SIGNATURE_HEADERS | {"set-cookie"})
    query: frozenset[str] = frozenset(SECRET_QUERY_KEYS)
    fields: frozenset[str] = frozenset({*SECRET_BODY_KEYS, *MORE_SECRET_FIELDS})
    pointers: tuple[tuple[str, ...], ...] = ()
    patterns: tuple[Pattern, ...] = DEFAULT_PATTERNS

    def secret_header(self, name: str) -> bool:
        return name in self.headers or any(word in name for word in SECRET_HEADER_WORDS)

    def secret_field(self, name: str) -> bool:
        lowered = name.lower()
        return lowered in self.fields or any(word in lowered for word in SECRET_FIELD_WORDS)

    @classmethod
    def load(cls, path: Path | None) -> "MaskRules":
        """telemock's rules, extended by the file at `path` (see docs/proxy.md); ValueError names the problem."""
        rules = cls()
        if path is None:
            return rules
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not YAML or JSON: {exc}") from None
        return rules.extended(data or {}, str(path))

    def extended(self, data: Any, source: str) -> "MaskRules":
        if not isinstance(data, dict):
            raise ValueError(f"{source}: the rules are a mapping with keys {', '.join(RULE_KEYS)}")
        unknown = sorted(set(data) - set(RULE_KEYS))
        if unknown:
            raise ValueError(f"{source}: unknown key(s) {', '.join(map(str, unknown))} (known: {', '.join(RULE_KEYS)})")
        return MaskRules(
            headers=self.headers | {n.lower() for n in names(data, "headers", source)},
            query=self.query | {n.lower() for n in names(data, "query", source)},
            fields=self.fields | {n.lower() for n in names(data, "fields", source)},
            pointers=self.pointers + tuple(parse_pointer(p, source) for p in names(data, "pointers", source)),
            patterns=self.patterns + tuple(parse_pattern(p, source) for p in data.get("patterns") or ()),
        )


def names(data: dict[str, Any], key: str, source: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ValueError(f"{source}: {key}: a list of non-empty strings")
    return value


def parse_pointer(text: str, source: str) -> tuple[str, ...]:
    """`/result/*/name`: a JSON pointer into a body, `*` standing for any array index or key."""
    if not text.startswith("/"):
        raise ValueError(f"{source}: pointers: {text!r} is not a JSON pointer (it starts with /)")
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in text[1:].split("/"))


def parse_pattern(item: Any, source: str) -> Pattern:
    """A regex string, or `{regex: ..., keep: N}`."""
    regex, keep = (item, 0) if isinstance(item, str) else (item.get("regex"), item.get("keep", 0)) if isinstance(item, dict) else (None, 0)
    if not isinstance(regex, str) or not regex or not isinstance(keep, int) or keep < 0:
        raise ValueError(f"{source}: patterns: {item!r} is not a regex or {{regex: ..., keep: N}}")
    try:
        return Pattern(re.compile(regex), keep)
    except re.error as exc:
        raise ValueError(f"{source}: patterns: {regex!r}: {exc}") from None


def mask_key(directory: Path, create: bool) -> bytes | None:
    """The pseudonym key of a recordings folder; made on first recording (and kept out of git there)."""
    path = directory / KEY_FILE
    if path.is_file():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    if not create:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    path.touch(mode=0o600)
    path.write_text(key.hex() + "\n", encoding="ascii")
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text(f"# the key behind the recordings' pseudonyms: keep it out of the repository\n{KEY_FILE}\n")
    return key


CLASSES = ("0123456789", "abcdef", "ghijklmnopqrstuvwxyz", "ABCDEF", "GHIJKLMNOPQRSTUVWXYZ")
MEMO_SIZE = 10_000  # pseudonyms kept for values seen again; a long recording must not grow without end
CLASS_OF = {char: alphabet for alphabet in CLASSES for char in alphabet}


@dataclass
class Masker:
    """Applies the rules. Without a key (replaying a folder whose key is not here) it masks
    credentials only, so recorded pseudonyms must then be sent as they are."""

    rules: MaskRules
    key: bytes | None
    _memo: dict[tuple[str, int], str] = field(default_factory=dict)

    def pseudonym(self, value: str, keep: int = 0) -> str:
        """The same shape as `value`, the same for the same value under the same key."""
        if self.key is None:
            return value
        found = self._memo.get((value, keep))
        if found is None:
            stream = b""
            counter = 0
            while len(stream) < len(value):
                stream += hmac.new(self.key, f"{counter}:{value}".encode(), hashlib.sha256).digest()
                counter += 1
            chars = list(value[:keep])
            for char, byte in zip(value[keep:], stream):
                alphabet = CLASS_OF.get(char)
                chars.append(alphabet[byte % len(alphabet)] if alphabet else char)
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            found = self._memo[(value, keep)] = "".join(chars)
        return found

    def text(self, value: str) -> str:
        """Every pattern's matches replaced by pseudonyms."""
        if self.key is None:
            return value
        for pattern in self.rules.patterns:
            value = pattern.regex.sub(lambda m, keep=pattern.keep: self.pseudonym(m.group(0), keep), value)
        return value

    def headers(self, pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Header names lowercased; credentials masked, the rest through the patterns."""
        masked: dict[str, str] = {}
        for name, value in pairs:
            lname = name.lower()
            if lname == "cookie":
                value = mask_cookie(value)
            elif lname == "set-cookie":
                value = mask_set_cookies([(lname, value)])[0][1]
            elif self.rules.secret_header(lname):
                value = mask_value(value)
            else:
                value = self.text(value)
            masked[lname] = f"{masked[lname]}, {value}" if lname in masked else value
        return masked

    def query(self, query: dict[str, list[str]]) -> dict[str, list[str]]:
        return {
            name: [MASK] * len(values) if name.lower() in self.rules.query else [self.text(v) for v in values]
            for name, values in query.items()
        }

    def body(self, value: Any, at: tuple[str, ...] = ()) -> Any:
        """A parsed body (JSON, or a form as a dict): secret fields masked, personal data pseudonymized."""
        if isinstance(value, dict):
            return {
                key: MASK if item is not None and self.rules.secret_field(key) else self.body(item, (*at, key))
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.body(item, (*at, str(index))) for index, item in enumerate(value)]
        if isinstance(value, bool) or value is None:
            return value
        pointed = self.key is not None and any(matches(rule, at) for rule in self.rules.pointers)
        if isinstance(value, str):
            return self.pseudonym(value) if pointed else self.text(value)
        if pointed and isinstance(value, int):
            return int(self.pseudonym(str(abs(value))).lstrip("0") or "0") * (-1 if value < 0 else 1)
        return value


def matches(rule: tuple[str, ...], at: tuple[str, ...]) -> bool:
    return len(rule) == len(at) and all(part == "*" or part == step for part, step in zip(rule, at))
