"""SQL for moving a free-text column onto a closed vocabulary (an
``EnumField``): spellings that mean a known value are rewritten to it, and
anything else stops the migration with a report naming the table, the
column and each unknown value with its row count, before the CHECK is added
(which would only say that some row fails it).

Used by hand-written ``RunSQL`` operations; the arguments are literal in
each migration, so the SQL a migration ran stays what it ran."""


def _literal(value):
    return "'" + str(value).replace("'", "''") + "'"


def normalise(table, column, mapping):
    """``UPDATE`` rewriting each known spelling (``{old: new}``; ``None``
    as ``new`` makes it NULL) to its vocabulary value."""
    statements = []
    for old, new in mapping.items():
        target = "NULL" if new is None else _literal(new)
        statements.append(
            f"UPDATE {table} SET {column} = {target} WHERE {column} = {_literal(old)}"
        )
    return statements


def normalise_spelling(table, column, allowed):
    """``UPDATE`` rewriting a value whose upper-cased spelling, with runs of
    other characters as ``_``, is in ``allowed`` ("DigiLocker" becomes
    DIGILOCKER, "Field sales" FIELD_SALES)."""
    values = ", ".join(_literal(value) for value in allowed)
    canonical = f"upper(regexp_replace(btrim({column}), '[^A-Za-z0-9]+', '_', 'g'))"
    return [
        f"UPDATE {table} SET {column} = {canonical} "
        f"WHERE {column} <> {canonical} AND {canonical} IN ({values})"
    ]


def refuse_unknown(table, column, allowed, *, label):
    """A ``DO`` block raising check_violation, with a report, when a row of
    ``table`` holds a ``column`` value outside ``allowed`` (NULL passes)."""
    values = ", ".join(_literal(value) for value in allowed)
    shown = table.replace('"', "")
    return f"""
DO $$
DECLARE
    report text;
BEGIN
    SELECT string_agg(format('%L (%s rows)', {column}, n), ', ' ORDER BY {column})
      INTO report
      FROM (SELECT {column}, count(*) AS n FROM {table}
             WHERE {column} IS NOT NULL AND {column} NOT IN ({values})
             GROUP BY {column}) unknown;
    IF report IS NOT NULL THEN
        RAISE EXCEPTION '{shown}.{column} holds values outside {label}: %', report
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = '{shown.split(".")[-1]}_{column}_check',
                  HINT = 'Add them to {label} (with a migration) or correct those rows, '
                         'then migrate again.';
    END IF;
END
$$"""
