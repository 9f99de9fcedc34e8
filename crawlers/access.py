"""How a source can be read with what the environment gives it: fully, in a limited mode, or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from config import CREDENTIAL_VARIABLES, Credentials, Source

Mode = Literal["ok", "limited", "failing"]

# Where each credential comes from, said once for every message that asks for it.
HOW_TO_GET = {
    "reddit": "a 'script' app at https://www.reddit.com/prefs/apps gives the id and the secret",
    "bluesky": "an app password: Bluesky › Settings › Privacy and security › App passwords",
    "mastodon": "an access token with read scope: the instance's Preferences › Development › New application",
}


@dataclass(frozen=True)
class Access:
    """A source's reading mode, why it is not full, and what to set to make it full."""

    mode: Mode
    why: str | None = None
    fix: str | None = None

    def line(self) -> str:
        """'ok', 'limited: why (fix)', 'failing: why (fix)'."""
        if self.mode == "ok":
            return "ok" + (f" ({self.why})" if self.why else "")
        return f"{self.mode}: {self.why}" + (f"; {self.fix}" if self.fix else "")


def _names(variables: tuple[str, ...]) -> str:
    return " and ".join(variables)


def source_access(source: Source) -> Access:
    """What the configured credentials allow (no request made: `sources check` asks live)."""
    if source.type not in HOW_TO_GET:
        return Access("ok")
    creds = source.credentials or Credentials(CREDENTIAL_VARIABLES[source.type])
    names = _names(creds.names)
    if source.type == "reddit" and not creds.complete:
        return Access(
            "limited",
            f"no Reddit app credentials ({_names(creds.missing)} not set): public Atom feeds "
            "only, without scores or comment counts",
            f"set {names} ({HOW_TO_GET['reddit']})",
        )
    if source.type == "bluesky" and not creds.complete:
        return Access(
            "failing",
            f"Bluesky search needs an account ({_names(creds.missing)} not set)",
            f"set {names} ({HOW_TO_GET['bluesky']})",
        )
    if source.type == "mastodon" and not creds.complete:
        return Access("ok", f"anonymous; set {names} if the instance asks for a token")
    return Access("ok")


def missing_credentials_message(source: Source) -> str:
    """The one line a crawl reports for a source that cannot run without credentials."""
    access = source_access(source)
    return f"{access.why}: {access.fix}"
