"""Where Gigs' documentation and its running service differ, one named switch each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GigsProfile:
    """Switches read by the Gigs handlers; none yet.

    No behaviour of the live service has been recorded that differs from the documentation,
    so `observed` is the same as `documented`. The profile exists so that clients can be run
    against both profiles like every other provider; the documentation's own open choices
    (delays, cancel end, 403 or 404, timestamp fractions…) are settings.
    """


DOCUMENTED = GigsProfile()
OBSERVED = GigsProfile()

PROFILES = {"documented": DOCUMENTED, "observed": OBSERVED}
