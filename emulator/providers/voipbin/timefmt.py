"""VoIPBIN's timestamp renderings in each era, and parsing of page tokens in all of them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Mapping

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


TEXTS_KEPT = 4096  # rendered times remembered per era


def era_renderer(style: str, unset: str) -> Callable[[int | None], str | None]:
    """One era's rendering of a time. A response renders several times and the same resource
    is read again and again, so recent renderings are remembered (a pure function of the time)."""
    render = legacy if style == "legacy" else go_rfc3339 if style == "rfc3339" else rfc3339
    unset_text = SENTINEL if unset == "sentinel" else None
    texts: dict[int, str] = {}

    def rendered(us: int | None) -> str | None:
        if us is None:
            return unset_text
        text = texts.get(us)
        if text is None:
            if len(texts) >= TEXTS_KEPT:
                texts.clear()
            text = texts[us] = render(us)
        return text

    return rendered


_renderers: dict[tuple[str, str], Callable[[int | None], str | None]] = {}


def renderer(profile: VoipbinProfile) -> Callable[[int | None], str | None]:
    key = (profile.timestamp_style, profile.unset_timestamp)
    found = _renderers.get(key)
    if found is None:
        found = _renderers[key] = era_renderer(*key)
    return found


def render_time(us: int | None, profile: VoipbinProfile) -> str | None:
    """One time in the profile's era; an unset one is the sentinel or None (`time_fields` omits)."""
    return renderer(profile)(us)


def time_fields(values: Mapping[str, int | None], profile: VoipbinProfile) -> dict[str, str | None]:
    """`tm_*` keys rendered in the profile's era; unset ones are left out where the profile omits them."""
    render = renderer(profile)
    if profile.unset_timestamp == "omit":
        return {key: render(us) for key, us in values.items() if us is not None}
    return {key: render(us) for key, us in values.items()}


def record_times(record: Mapping[str, Any], keys: tuple[str, ...], profile: VoipbinProfile) -> dict[str, str | None]:
    """`time_fields` of the record's `keys`."""
    render = renderer(profile)
    if profile.unset_timestamp == "omit":
        return {key: render(record[key]) for key in keys if record[key] is not None}
    return {key: render(record[key]) for key in keys}


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
