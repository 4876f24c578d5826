"""Cloning the base schema into a new enterprise's schema, at a cost that does not grow with
the number of enterprises (issue 18).

django-tenants' ``clone_schema()`` SQL function reads ``information_schema`` for every table,
column, sequence and constraint it copies. Those views scan the whole catalog, so a clone that
takes a tenth of a second in a fresh park takes seconds once the park has thousands of schemas.

Here the base schema is read once per process (``pg_catalog`` only, by namespace) into a recipe
of statements with every name the new schema needs filled in at clone time; the recipe is read
again only when the base schema's migrations change. A clone is then one round trip: the
schema, its tables (``LIKE`` the base's tables: columns, defaults, NOT NULL and CHECK
constraints, identity columns), the base's rows (migrations, content types) and identity
positions, primary/unique/foreign keys and indexes under the base's own names (a later
migration finds them by name, and apps.tenants.migrating runs one migration's SQL in every
schema). A base schema holding anything the recipe does not copy (views, triggers, functions,
free-standing sequences) makes ``clone_base_schema`` return False: the caller falls back to
django-tenants' function.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connection

NEW = "\x1eNEW\x1e"  # stands for the new schema's quoted name inside the recipe


@dataclass(frozen=True)
class Recipe:
    key: tuple
    statements: tuple[str, ...]


_recipes: dict[str, Recipe] = {}
_lock = threading.Lock()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _version(cursor, base: str) -> tuple:
    cursor.execute(f"SELECT count(*), max(id) FROM {_q(base)}.django_migrations")
    return tuple(cursor.fetchone())


def _read_recipe(cursor, base: str, key: tuple) -> Recipe | None:
    cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [base])
    row = cursor.fetchone()
    if row is None:
        return None
    nsp = row[0]
    # What the recipe does not copy: refuse, the caller uses django-tenants' clone.
    cursor.execute(
        """
        SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = %(n)s AND relkind NOT IN ('r', 'i', 'S'))
             + (SELECT count(*) FROM pg_proc WHERE pronamespace = %(n)s)
             + (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE c.relnamespace = %(n)s AND NOT t.tgisinternal)
             + (SELECT count(*) FROM pg_class s WHERE s.relnamespace = %(n)s AND s.relkind = 'S'
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = s.oid AND d.deptype = 'i'))
        """,
        {"n": nsp},
    )
    if cursor.fetchone()[0]:
        return None
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = %s AND relkind = 'r' ORDER BY relname", [nsp]
    )
    tables = [r[0] for r in cursor.fetchall()]
    statements = [f"CREATE SCHEMA {NEW}"]
    for table in tables:
        statements.append(
            f"CREATE TABLE {NEW}.{_q(table)} (LIKE {_q(base)}.{_q(table)} INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE)"
        )
    for table in tables:
        statements.append(f"INSERT INTO {NEW}.{_q(table)} SELECT * FROM {_q(base)}.{_q(table)}")
    # identity columns continue where the base's stand
    cursor.execute(
        """
        SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = %s AND c.relkind = 'r' AND a.attidentity <> '' AND NOT a.attisdropped
        ORDER BY 1, 2
        """,
        [nsp],
    )
    for table, column in cursor.fetchall():
        statements.append(
            f"SELECT setval(pg_get_serial_sequence('{NEW}.{_q(table)}', '{column}'), s.last_value, s.is_called) "
            f"FROM (SELECT last_value, is_called FROM {{base_seq:{table}:{column}}}) s"
        )
    # definitions printed with every name qualified (search_path = pg_catalog), so the base's
    # own qualified names are known strings to replace
    cursor.execute("SELECT current_setting('search_path')")
    search_path = cursor.fetchone()[0]
    cursor.execute("SET LOCAL search_path TO pg_catalog")
    cursor.execute(
        """
        SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid),
               rn.nspname, r.relname
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        LEFT JOIN pg_class r ON r.oid = k.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
        WHERE c.relnamespace = %s AND k.contype IN ('p', 'u', 'x', 'f')
        ORDER BY CASE k.contype WHEN 'f' THEN 1 ELSE 0 END, c.relname, k.conname
        """,
        [nsp],
    )
    for table, name, kind, definition, ref_nsp, ref_table in cursor.fetchall():
        if kind == "f" and ref_nsp == base:
            qualified = f"{_quote_ident(base)}.{_quote_ident(ref_table)}("
            if qualified not in definition:
                return None
            definition = definition.replace(qualified, f"{NEW}.{_q(ref_table)}(", 1)
        statements.append(f"ALTER TABLE {NEW}.{_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
    cursor.execute(
        """
        SELECT t.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
        WHERE x.relnamespace = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
        ORDER BY x.relname
        """,
        [nsp],
    )
    for table, definition in cursor.fetchall():
        on = f" ON {_quote_ident(base)}.{_quote_ident(table)} USING "
        if on not in definition:
            return None
        statements.append(definition.replace(on, f" ON {NEW}.{_q(table)} USING ", 1))
    cursor.execute("SELECT set_config('search_path', %s, true)", [search_path])
    # the base's identity sequences, by their real names
    cursor.execute(
        """
        SELECT c.relname, a.attname, pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relnamespace = %s AND c.relkind = 'r' AND a.attidentity <> '' AND NOT a.attisdropped
        """,
        [nsp],
    )
    sequences = {f"{{base_seq:{t}:{a}}}": seq for t, a, seq in cursor.fetchall()}
    filled = []
    for statement in statements:
        for token, seq in sequences.items():
            statement = statement.replace(token, seq)
        filled.append(statement)
    return Recipe(key=key, statements=tuple(filled))


def _quote_ident(name: str) -> str:
    """How PostgreSQL prints an identifier (quote_ident): bare when it can be."""
    import re

    if re.fullmatch(r"[a-z_][a-z0-9_$]*", name):
        return name
    return _q(name)


def clone_base_schema(base: str, new: str) -> bool:
    """Create schema ``new`` as a copy of ``base`` (structure and rows). False, with nothing
    done, when the base holds something the recipe cannot copy."""
    with connection.cursor() as cursor:
        key = _version(cursor, base)
        with _lock:
            recipe = _recipes.get(base)
        if recipe is None or recipe.key != key:
            from django.db import transaction

            with transaction.atomic():
                recipe = _read_recipe(cursor, base, key)
            if recipe is None:
                return False
            with _lock:
                _recipes[base] = recipe
        sql = ";\n".join(s.replace(NEW, _q(new)) for s in recipe.statements)
        cursor.execute(sql)
    return True
