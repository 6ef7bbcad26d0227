"""Counts an officer's pages show again and again (the navigation's on every page, the start
page's sections), kept per process until the authority's cases change. Counting them reads
thousands of index entries of a busy authority's cases: a fifth of a page's time on SQLite, a
quarter on PostgreSQL, for numbers that change only when a case does.

"Until then" is told by the database itself. Triggers give an authority new random tokens
(cases.BoxToken) whenever one of its cases is written or deleted, and a new `news` token alone
when an entry of a case's history is, or when an officer opens a case that has news (opening a
case without news changes no count). What depends on news (attention.py: the cases with news
for the officer) is kept under both tokens; everything else (every box, every move due) under
the cases' token only, so an officer reading a case makes no one count the boxes again.
Triggers see every write, the ORM's bulk ones and raw SQL included, which signals would not.
A page reads the tokens (one row) and counts only under tokens it has not counted under
before, for the same officer, roles and question (which names the day).

- A token is random, not a counter: a change rolled back leaves a token no later change can
  take, so counts made inside that transaction are never mistaken for committed ones.
- On PostgreSQL the triggers are deferred to the commit, once per authority and transaction:
  the tokens' row stays locked only while the commit runs, so writers of one authority's cases
  (the delivery worker's batches, officers) do not queue behind each other's transactions.
- Inside a transaction nothing is kept or reused, as a token may not be written yet there.
- The triggers are (re)installed after every `migrate` rather than by a migration: SQLite
  rebuilds a table to alter it, and a rebuilt table has lost its triggers. Every authority gets
  fresh tokens then too, so nothing counted before a flush or restore is reused after it.
- Only what the cases, their history and the openings decide may be kept here: whatever else
  a count reads (consents, the outbox) is counted on every page.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from django.db import connection, connections

from migrex.cases.selectors import officer
from migrex.core.bounded import Bounded

T = TypeVar("T")

_kept = Bounded(5000)  # results kept per process


def tokens(user) -> tuple | None:
    """The tokens of the user's authority now (cases, news), for `kept`; None where nothing is
    to be kept: no authority, or inside a transaction."""
    if user.authority_id is None or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT token, news FROM cases_boxtoken WHERE authority = %s", [user.authority_id]
        )
        row = cursor.fetchone()
    return row or (None, None)  # none yet: no case of it written since the last migrate


def kept(user, now: tuple | None, question: Hashable, count: Callable[[], T], *, news=False) -> T:
    """`count()`, or what it gave before under the same tokens `now` (tokens()) of the user's
    authority, for the same officer with the same roles and the same `question` (which must
    name everything else `count` depends on, the day included). `news`: it depends on the
    cases' news too. What it returns is shared between requests: numbers and tuples, never
    objects a page changes."""
    if now is None:
        return count()
    key = (connection.settings_dict["NAME"], now if news else now[0], *officer(user), question)
    return _kept.get(key, count)


# --- the triggers ---------------------------------------------------------------------------

# Each table whose rows the counts read, and the owner of a row's case.
_OF_CASE = "(SELECT owner_id FROM cases_case WHERE id = {row}.case_id)"
_OWNER = {"cases_case": "{row}.owner_id", "cases_caseevent": _OF_CASE, "cases_caseseen": _OF_CASE}
# An opening changes a count only when the case has news the officer had not seen.
_NEWS = "(SELECT news_at FROM cases_case WHERE id = NEW.case_id)"
_SEEN_WHEN = {"INSERT": f"{_NEWS} IS NOT NULL", "UPDATE": f"OLD.at < {_NEWS}"}


def install(using: str = "default", **_ignored) -> None:
    """Create or replace the triggers and give every authority fresh tokens (a post_migrate
    receiver: cases/apps.py)."""
    conn = connections[using]
    if "cases_boxtoken" not in conn.introspection.table_names():
        return  # migrated back to before it
    statements = _postgresql() if conn.vendor == "postgresql" else _sqlite()
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _sqlite() -> list[str]:
    found = []
    for table, owner in _OWNER.items():
        for op in ("INSERT", "UPDATE", "DELETE"):
            rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[op]
            when = _SEEN_WHEN.get(op) if table == "cases_caseseen" else None
            cases = table == "cases_case"
            bumps = "".join(
                _upsert(owner.format(row=row), cases) for row in (rows if cases else rows[-1:])
            )
            name = f"{table}_boxtoken_{op.lower()}"
            found += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} AFTER {op} ON {table} FOR EACH ROW "
                + (f"WHEN {when} " if when else "")
                + f"BEGIN {bumps}END",
            ]
    return [*found, _fresh("random()")]


def _upsert(owner: str, cases: bool) -> str:
    """A trigger's statement: new tokens (both, or only `news`) for the authority `owner`
    (SQL) names, if any."""
    changed = "token = excluded.token, news = excluded.news" if cases else "news = excluded.news"
    return (
        "INSERT INTO cases_boxtoken (authority, token, news) "  # noqa: S608 - names, no values
        f"SELECT owner, random(), random() FROM (SELECT {owner} AS owner) "
        f"WHERE owner IS NOT NULL ON CONFLICT (authority) DO UPDATE SET {changed}; "
    )


_RANDOM = "(random() * 9e18)::bigint"


def _postgresql() -> list[str]:
    bump = f"""
CREATE OR REPLACE FUNCTION migrex_boxtoken(owner bigint, cases boolean) RETURNS void AS $$
BEGIN
    IF owner IS NULL THEN
        RETURN;
    END IF;
    -- Once per authority and transaction: a case's tokens, or the news token alone.
    IF cases AND current_setting('migrex.boxtoken_' || owner, true) IS DISTINCT FROM '1' THEN
        PERFORM set_config('migrex.boxtoken_' || owner, '1', true);
        PERFORM set_config('migrex.boxnews_' || owner, '1', true);
        INSERT INTO cases_boxtoken (authority, token, news) VALUES (owner, {_RANDOM}, {_RANDOM})
        ON CONFLICT (authority) DO UPDATE SET token = EXCLUDED.token, news = EXCLUDED.news;
    ELSIF current_setting('migrex.boxnews_' || owner, true) IS DISTINCT FROM '1' THEN
        PERFORM set_config('migrex.boxnews_' || owner, '1', true);
        INSERT INTO cases_boxtoken (authority, token, news) VALUES (owner, {_RANDOM}, {_RANDOM})
        ON CONFLICT (authority) DO UPDATE SET news = EXCLUDED.news;
    END IF;
END $$ LANGUAGE plpgsql"""  # noqa: S608 - no values
    case = """
CREATE OR REPLACE FUNCTION migrex_boxtoken_case() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM migrex_boxtoken(OLD.owner_id, true); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM migrex_boxtoken(NEW.owner_id, true); END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql"""
    related = f"""
CREATE OR REPLACE FUNCTION migrex_boxtoken_related() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM migrex_boxtoken({_OF_CASE.format(row="OLD")}, false);
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'cases_caseseen' THEN
        IF TG_OP = 'INSERT' AND NOT ({_SEEN_WHEN["INSERT"]}) THEN RETURN NULL; END IF;
        IF TG_OP = 'UPDATE' AND NOT coalesce({_SEEN_WHEN["UPDATE"]}, false) THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM migrex_boxtoken({_OF_CASE.format(row="NEW")}, false);
    RETURN NULL;
END $$ LANGUAGE plpgsql"""
    found = [bump, case, related]
    for table in _OWNER:
        function = "migrex_boxtoken_case" if table == "cases_case" else "migrex_boxtoken_related"
        found += [
            f"DROP TRIGGER IF EXISTS {table}_boxtoken ON {table}",
            f"CREATE CONSTRAINT TRIGGER {table}_boxtoken AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    return [*found, _fresh(_RANDOM)]


def _fresh(random: str) -> str:
    return (
        "INSERT INTO cases_boxtoken (authority, token, news) "  # noqa: S608 - no values
        f"SELECT id, {random}, {random} FROM agreements_authority WHERE true "
        "ON CONFLICT (authority) DO UPDATE SET token = excluded.token, news = excluded.news"
    )
