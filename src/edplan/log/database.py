"""Connecting to a PostgreSQL progress store: URLs, masked passwords, timeouts, one-line errors.

A progress log named by a URL (``postgresql://user@host:port/dbname``) lives in PostgreSQL; a path
keeps today's text log. This module is the connection half of that store (issue 13): it tells a
URL from a path, never prints a password (every URL shown goes through :func:`masked`), and turns
a server that is down, refuses or times out into one :class:`~edplan.errors.UsageError` line, exit
2. Credentials come from the URL, or from ``PGPASSWORD`` / ``~/.pgpass`` and the rest of the
environment as libpq reads them. psycopg 3 is imported only here, and only when a URL is used, so
the text log works with no database driver installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from edplan.errors import Problem, UsageError, msg

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql", "postgres")
CONNECT_TIMEOUT = 10  # seconds: a server that does not answer is reported, not waited for


def is_database_url(text: str) -> bool:
    """``postgresql://…`` or ``postgres://…``: a database; anything else is a path."""
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


def masked(url: str) -> str:
    """The URL as it may be shown: its password (in the authority or as ``password=``) replaced."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL urllib can split (a stray '['): mask whatever could be a password
        return re.sub(r"(?i)(password=)[^&]*", r"\1***", re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url))
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user, sep, _ = userinfo.partition(":")
        netloc = f"{user}:***@{host}" if sep else netloc
    query = re.sub(r"(?i)(^|&)(password=)[^&]*", r"\1\2***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _password(url: str) -> str | None:
    """The password as written in the URL (user:PASSWORD@host, or password=…), if any."""
    found = re.search(r"://[^/@:]*:([^@/]*)@", url) or re.search(r"(?i)[?&]password=([^&]*)", url)
    return found[1] if found and found[1] else None


def first_line(error: BaseException, url: str) -> str:
    """libpq's message, one line, with the password taken out should it ever appear."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    text = lines[0] if lines else type(error).__name__
    secret = _password(url)
    return text.replace(secret, "***") if secret else text


def connect(url: str, *, timeout: int = CONNECT_TIMEOUT, **options: Any) -> psycopg.Connection[Any]:
    """An open connection to the database ``url`` names, or one clear line (exit 2) saying why not."""
    shown = masked(url)
    try:
        import psycopg
    except ImportError:
        raise UsageError(
            Problem(
                msg("a progress log in a database needs the psycopg driver, which is not installed"),
                hint=msg("install it with: pip install 'psycopg[binary]' (or use a log file)"),
            )
        ) from None
    try:
        return psycopg.connect(url, connect_timeout=timeout, **options)
    except psycopg.Error as exc:
        raise UsageError(
            Problem(
                msg("cannot connect to the progress database {url}: {error}", url=shown, error=first_line(exc, url)),
                hint=msg(
                    "check that the server runs, and the URL, user and password (in the URL, PGPASSWORD or "
                    "~/.pgpass)"
                ),
            )
        ) from None


@dataclass(frozen=True)
class Database:
    """A progress log kept in PostgreSQL: the URL, and the plan whose entries it means.

    Shown (``str``), it is the URL with its password masked, so a message that names "the log" never
    prints a secret. ``plan_id`` is filled in by :func:`edplan.log.store.bound` once the plan is loaded:
    several plans share one database, every row keyed by its plan's id.
    """

    url: str
    plan_id: str = ""

    def __str__(self) -> str:
        return masked(self.url)

    def for_plan(self, plan_id: str) -> Database:
        return Database(self.url, plan_id)
