"""VoIPBIN's timestamp renderings in each era, and parsing of page tokens in all of them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Mapping

from ...core.clock import from_datetime, rfc3339, utc_parts
from .profiles import VoipbinProfile

SENTINEL = "9999-01-01 00:00:00.000000"


def legacy(us: int) -> str:
    text, fraction = utc_parts(us, " ")
    return f"{text}.{fraction:06d}"


def go_rfc3339(us: int) -> str:
    """How Go's encoding/json writes a UTC time.Time: fraction trimmed of trailing zeros."""
    text, micros = utc_parts(us)
    fraction = f"{micros:06d}".rstrip("0")
    return f"{text}.{fraction}Z" if fraction else f"{text}Z"


def render_time(us: int | None, profile: VoipbinProfile) -> str | None:
    """One time in the profile's era; an unset one is the sentinel or None (`time_fields` omits)."""
    if us is None:
        return SENTINEL if profile.unset_timestamp == "sentinel" else None
    if profile.timestamp_style == "legacy":
        return legacy(us)
    return go_rfc3339(us) if profile.timestamp_style == "rfc3339" else rfc3339(us)


def time_fields(values: Mapping[str, int | None], profile: VoipbinProfile) -> dict[str, str | None]:
    """`tm_*` keys rendered in the profile's era; unset ones are left out where the profile omits them."""
    omit = profile.unset_timestamp == "omit"
    return {key: render_time(us, profile) for key, us in values.items() if not (omit and us is None)}


def page_token(us: int, profile: VoipbinProfile) -> str:
    if profile.page_token_style == "legacy":
        return legacy(us)
    return rfc3339(us)


def parse_page_token(token: str) -> int | None:
    """Accepts every era's format; None when the token is not a timestamp at all."""
    text = token.strip().replace("Z", "+00:00")
    if " " in text and "T" not in text:
        text = text.replace(" ", "T", 1)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return from_datetime(moment)
