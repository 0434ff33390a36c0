"""Database errors described without personal data.

PostgreSQL's messages can carry row values: a unique violation's detail
``Key (mobile)=(+919876543210) already exists``, a check or not-null
violation's ``Failing row contains (...)`` with the whole row. What users see
(the admin's messages, ``manage.py seed`` errors) and what the project logs is
built from the error's fields instead: table, constraint, column, and the
offending value only for columns that are not personal (phone, email, name,
PAN, account numbers, addresses...), masked otherwise. The ``Failing row
contains`` detail is never shown.
"""

import re

#: Column-name words that make a column personal: its values are masked.
PERSONAL_WORDS = {
    "mobile",
    "phone",
    "email",
    "name",
    "pan",
    "aadhaar",
    "account",
    "vpa",
    "upi",
    "address",
    "line1",
    "line2",
    "dob",
    "birth",
    "password",
    "otp",
    "token",
    "gstin",
    "ifsc",
}
MASK = "•••"
_KEY_DETAIL = re.compile(r"^Key \((?P<columns>.+?)\)=\((?P<values>.*)\)(?P<rest>.*)$", re.S)


def is_personal(column: str) -> bool:
    words = set(re.split(r"[^a-z0-9]+", column.lower()))
    return bool(words & PERSONAL_WORDS)


def _split(text):
    return [part.strip().strip('"') for part in text.split(",")]


def masked_key_detail(detail: str) -> str:
    """``Key (a, mobile)=(1, +91...) ...`` with the personal values masked;
    any other detail (``Failing row contains``) is dropped."""
    match = _KEY_DETAIL.match(detail or "")
    if not match:
        return ""
    columns = _split(match["columns"])
    values = _split(match["values"])
    if len(columns) != len(values):  # a value with a comma in it: show none
        values = [MASK] * len(columns)
    shown = ", ".join(
        MASK if is_personal(column) else value
        for column, value in zip(columns, values, strict=True)
    )
    return f"Key ({', '.join(columns)})=({shown}){match['rest']}"


def database_error_parts(exc) -> dict | None:
    """Table, constraint, column and masked detail of a database error, or None."""
    cause = exc
    while cause is not None and not hasattr(cause, "diag"):
        cause = cause.__cause__
    if cause is None:
        return None
    diag = cause.diag
    table = ".".join(part for part in (diag.schema_name, diag.table_name) if part)
    return {
        "sqlstate": diag.sqlstate or "",
        "table": table,
        "constraint": diag.constraint_name or "",
        "column": diag.column_name or "",
        "detail": masked_key_detail(diag.message_detail or ""),
        "primary": diag.message_primary or "",
    }


def describe_database_error(exc) -> str:
    """One line naming table, constraint, column and the non-personal value."""
    parts = database_error_parts(exc)
    if parts is None:
        return f"{type(exc).__name__}: {exc}"
    primary = parts["primary"]
    if parts["sqlstate"].startswith("22"):
        # Data exceptions quote the offending input (invalid input syntax...: "...").
        primary = re.sub(r':\s*".*"\s*$', "", primary)
        if not parts["column"] or is_personal(parts["column"]):
            primary = re.sub(r'"[^"]*"', f'"{MASK}"', primary)
    said = [primary]
    for label in ("table", "constraint", "column"):
        if parts[label] and parts[label] not in primary:
            said.append(f"{label} {parts[label]}")
    if parts["detail"]:
        said.append(parts["detail"])
    return "; ".join(said)
