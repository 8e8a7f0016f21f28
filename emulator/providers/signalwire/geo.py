"""A small numbering plan: country calling codes and a few North American area codes.

Enough to format numbers, derive country codes and answer lookups believably; not a
replacement for libphonenumber.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AreaCode:
    region: str  # ISO 3166-2 subdivision, e.g. OR
    region_name: str
    city: str
    rate_center: str
    lata: str
    timezone: str


AREA_CODES: dict[str, AreaCode] = {
    "206": AreaCode("WA", "Washington", "Seattle", "SEATTLE", "674", "America/Los_Angeles"),
    "212": AreaCode("NY", "New York", "New York", "NWYRCYZN01", "132", "America/New_York"),
    "305": AreaCode("FL", "Florida", "Miami", "MIAMI", "460", "America/New_York"),
    "312": AreaCode("IL", "Illinois", "Chicago", "CHICAGO", "358", "America/Chicago"),
    "415": AreaCode("CA", "California", "San Francisco", "SNFC CNTRL", "722", "America/Los_Angeles"),
    "416": AreaCode("ON", "Ontario", "Toronto", "TORONTO", "888", "America/Toronto"),
    "503": AreaCode("OR", "Oregon", "Portland", "PORTLAND", "672", "America/Los_Angeles"),
    "512": AreaCode("TX", "Texas", "Austin", "AUSTIN", "558", "America/Chicago"),
    "617": AreaCode("MA", "Massachusetts", "Boston", "BOSTON", "128", "America/New_York"),
    "720": AreaCode("CO", "Colorado", "Denver", "DENVER", "656", "America/Denver"),
}

TOLL_FREE_AREA_CODES = frozenset({"800", "833", "844", "855", "866", "877", "888"})

CANADIAN_AREA_CODES = frozenset(
    """204 226 236 249 250 263 289 306 343 354 365 367 368 382 403 416 418 428 431 437 438 450
    468 474 506 514 519 548 579 581 584 587 604 613 639 647 672 683 705 709 742 753 778 780
    782 807 819 825 867 873 879 902 905""".split()
)

# Calling code -> ISO 3166-1 alpha-2 of the main country using it.
CALLING_CODES: dict[str, str] = {
    "1": "US", "7": "RU", "20": "EG", "27": "ZA", "30": "GR", "31": "NL", "32": "BE", "33": "FR",
    "34": "ES", "36": "HU", "39": "IT", "40": "RO", "41": "CH", "43": "AT", "44": "GB", "45": "DK",
    "46": "SE", "47": "NO", "48": "PL", "49": "DE", "51": "PE", "52": "MX", "54": "AR", "55": "BR",
    "56": "CL", "57": "CO", "60": "MY", "61": "AU", "62": "ID", "63": "PH", "64": "NZ", "65": "SG",
    "66": "TH", "81": "JP", "82": "KR", "84": "VN", "86": "CN", "90": "TR", "91": "IN", "92": "PK",
    "234": "NG", "254": "KE", "351": "PT", "353": "IE", "358": "FI", "380": "UA", "420": "CZ",
    "852": "HK", "886": "TW", "971": "AE", "972": "IL",
}

TIMEZONES: dict[str, str] = {
    "GB": "Europe/London", "DE": "Europe/Berlin", "FR": "Europe/Paris", "ES": "Europe/Madrid",
    "IT": "Europe/Rome", "NL": "Europe/Amsterdam", "AU": "Australia/Sydney", "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul", "IN": "Asia/Kolkata", "BR": "America/Sao_Paulo", "MX": "America/Mexico_City",
}
