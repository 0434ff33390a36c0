"""Generated schema documentation: ``docs/schema/<domain>.md`` and its README.

Each page joins two sources. The models give what the database cannot say:
a table's purpose (the model's docstring), the enum behind a CHECK, a
column's help text, references kept without a constraint. The catalog of a
migrated database gives what the models cannot say exactly: the real
PostgreSQL types, defaults, CHECK/UNIQUE/EXCLUDE definitions, indexes,
foreign keys in both directions, triggers and partitioning.

The hand-written prose of each domain lives in ``docs/schema/notes/<domain>.md``
and is copied verbatim to the top of its page. Output is deterministic: every
list is sorted by name (columns by position), nothing depends on object ids,
partitions of a partitioned table are summarised (key, interval) rather than
listed, and session settings that change renderings are fixed, so PostgreSQL
15 and 18 give the same bytes (see ``normalise_sql``).
"""

import inspect
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings

from gatimitra.db.tables import DOMAIN_SCHEMAS, split_table
from gatimitra.ops.catalog import ForeignKey, read_catalog

GENERATOR = "python manage.py schema_docs"


# Partitioning --------------------------------------------------------------

_RANGE_BOUND = re.compile(r"^FOR VALUES FROM \('([^']*)'\) TO \('([^']*)'\)$")


def _timestamp(text):
    text = re.sub(r"([+-]\d\d)$", r"\1:00", text.strip())
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _interval(start, end):
    if start.time() == end.time() and start.day == end.day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month
        if months % 12 == 0:
            return _plural(months // 12, "year")
        return _plural(months, "month")
    delta = end - start
    if delta.seconds == 0 and delta.microseconds == 0:
        if delta.days % 7 == 0:
            return _plural(delta.days // 7, "week")
        return _plural(delta.days, "day")
    if delta.days == 0 and delta.seconds % 3600 == 0:
        return _plural(delta.seconds // 3600, "hour")
    return str(delta)


def _plural(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def partitioning(table, spec=None):
    """How a partitioned table is split, without naming its (time) partitions.
    ``spec`` is the model's declared ``Partitioning``: the migrations create
    no time partitions (``manage.py partitions`` does), so the interval and
    retention come from the model when it declares them."""
    if not table.partition_key:
        return None
    bounds = table.partition_bounds
    has_default = "DEFAULT" in bounds
    intervals, others = set(), 0
    for bound in bounds:
        match = _RANGE_BOUND.match(bound)
        start, end = (_timestamp(part) for part in match.groups()) if match else (None, None)
        if start and end:
            intervals.add(_interval(start, end))
        elif bound != "DEFAULT":
            others += 1
    text = f"Partitioned by `{table.partition_key}`"
    if spec is not None:
        text += (
            f", one partition per {spec.interval} (UTC) made ahead by `manage.py partitions`"
            f", retention `{spec.retention}` unless `GATIMITRA_PARTITION_RETENTION` says otherwise"
        )
    elif intervals:
        text += f", one partition per {' or '.join(sorted(intervals))}"
    elif others:
        text += ", partitions of their own bounds"
    if has_default:
        text += ", with a DEFAULT partition"
    return text + ". Partitions are not listed (they come and go with time)."


# The models ----------------------------------------------------------------


@dataclass
class ModelInfo:
    label: str
    source: str
    doc: str
    fields: dict  # column -> model field
    soft_references: dict  # column -> (schema, table, column)


def _docstring(model):
    if model._meta.auto_created:
        owner = model._meta.auto_created
        m2m = next(f for f in owner._meta.local_many_to_many if f.remote_field.through is model)
        return f"Join table of the many-to-many `{owner._meta.label}.{m2m.name}`."
    doc = model.__doc__ or ""
    # Django invents "Name(field, field, ...)" for models without a docstring.
    if doc.startswith(f"{model.__name__}("):
        return ""
    return inspect.cleandoc(doc)


def _source(model):
    owner = model._meta.auto_created or model
    path = Path(inspect.getsourcefile(owner)).resolve()
    try:
        return path.relative_to(Path(settings.BASE_DIR).resolve()).as_posix()
    except ValueError:
        return path.name


def model_infos():
    """``(schema, table) -> ModelInfo`` for every model with a domain table."""
    infos = {}
    for model in apps.get_models(include_auto_created=True):
        schema, table = split_table(model._meta.db_table)
        if schema not in DOMAIN_SCHEMAS:
            continue
        fields, soft = {}, {}
        for model_field in model._meta.local_fields:
            if model_field.column is None:
                continue
            fields[model_field.column] = model_field
            if model_field.is_relation and not getattr(model_field, "db_constraint", True):
                target = model_field.related_model
                target_schema, target_table = split_table(target._meta.db_table)
                soft[model_field.column] = (
                    target_schema or "public",
                    target_table,
                    model_field.target_field.column,
                )
        infos[schema, table] = ModelInfo(
            model._meta.label, _source(model), _docstring(model), fields, soft
        )
    return infos


def field_enum(model_field):
    """The TextChoices class of an EnumField / EnumArrayField, else None
    (an EnumField given bare ``choices`` shows them as a value list)."""
    base = getattr(model_field, "base_field", model_field)
    return getattr(base, "enum", None)


def _enum_source(enum):
    return enum.__module__.replace(".", "/") + ".py"


# Rendering helpers ---------------------------------------------------------


def code(text):
    """An inline code span, safe inside a table cell."""
    text = str(text)
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")


def cell(text):
    """Plain text for a table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown_doc(text):
    """A reST-flavoured docstring as Markdown (``x`` becomes `x`)."""
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def first_paragraph(text):
    return " ".join(text.split("\n\n", 1)[0].split())


def table_rows(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def mermaid_id(schema, table, home):
    """An erDiagram entity name: the bare table name at home, ``schema__table``
    for tables of other schemas (a dot is not allowed in a name)."""
    return table if schema == home else f"{schema}__{table}"


_MERMAID_TYPES = (
    ("character varying", "varchar"),
    ("timestamp with time zone", "timestamptz"),
    ("timestamp without time zone", "timestamp"),
    ("double precision", "float8"),
    ("character", "char"),
)


def mermaid_type(type_):
    for long, short in _MERMAID_TYPES:
        type_ = type_.replace(long, short)
    type_ = re.sub(r"\([^)]*,[^)]*\)", "", type_)
    return re.sub(r"[^A-Za-z0-9_()\[\]-]", "_", type_)


# Domain pages --------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """A key column of an ER diagram entity."""

    column: str
    type: str
    marks: tuple  # ("PK",), ("FK",) or ("PK", "FK")
    soft: bool  # a reference kept without a constraint


@dataclass(frozen=True, order=True)
class Relationship:
    """A child table's key to its parent: ``table.columns`` refer to
    ``target_schema.target_table``."""

    target_schema: str
    target_table: str
    table: str
    columns: tuple
    nullable: bool
    unique: bool
    soft: bool

    def mermaid(self, home):
        parent = "|o" if self.nullable else "||"
        child = "o|" if self.unique else "o{"
        line = ".." if self.soft else "--"
        target = mermaid_id(self.target_schema, self.target_table, home)
        return f'    {target} {parent}{line}{child} {self.table} : "{", ".join(self.columns)}"'


@dataclass
class Domain:
    schema: str
    app_label: str
    summary: str
    notes: str | None


def domains():
    found = {}
    for config in apps.get_app_configs():
        schema = getattr(config, "db_schema", None)
        if schema in DOMAIN_SCHEMAS:
            summary = inspect.cleandoc(config.module.__doc__ or "")
            found[schema] = Domain(schema, config.label, summary, None)
    return [found[schema] for schema in DOMAIN_SCHEMAS if schema in found]


def notes_path(root, schema):
    return Path(root) / "notes" / f"{schema}.md"


class DomainPage:
    def __init__(self, domain, catalog, infos):
        self.domain = domain
        self.schema = domain.schema
        self.catalog = catalog
        self.infos = infos
        self.tables = catalog.domain_tables(self.schema)
        self.outgoing = defaultdict(list)
        self.incoming = defaultdict(list)
        for fk in catalog.foreign_keys:
            if fk.schema == self.schema:
                self.outgoing[fk.table].append(fk)
            if fk.target_schema == self.schema:
                self.incoming[fk.target_table].append(fk)

    def info(self, table):
        return self.infos.get((self.schema, table.name))

    def purpose(self, table):
        """The model's docstring, else the table's COMMENT (tables made by SQL)."""
        info = self.info(table)
        if info and info.doc:
            return markdown_doc(info.doc)
        return table.comment or ""

    def render(self):
        lines = [
            # No double hyphen inside an HTML comment (so no "--check" here).
            f"<!-- Generated by `{GENERATOR}` from the models and the catalog of a "
            "migrated database; CI fails when it is stale. Edit "
            f"docs/schema/notes/{self.schema}.md (the prose), the models (docstrings, "
            "help_text, choices) or the migrations, never this file. -->",
            "",
        ]
        if self.domain.notes:
            lines += [self.domain.notes.rstrip("\n"), "", "---", ""]
        else:
            lines += [f"# The `{self.schema}` schema", ""]
            if self.domain.summary:
                lines += [markdown_doc(self.domain.summary), ""]
        lines += [
            "## Schema reference (generated)",
            "",
            f"{_plural(len(self.tables), 'table')} in the PostgreSQL schema `{self.schema}` "
            f"(app `{self.domain.app_label}`), as a database built by the migrations has "
            "them. Types, defaults, constraints, indexes, keys and triggers come from "
            "`pg_catalog`; purposes, enums and notes from the models. "
            "↗ marks a key to or from another schema.",
            "",
        ]
        lines += self.render_diagram()
        lines += self.render_index()
        lines += self.render_enums()
        for table in self.tables:
            lines += self.render_table(table)
        return "\n".join(lines).rstrip("\n") + "\n"

    # ER diagram

    def diagram(self):
        """The ER diagram as data, drawn as Mermaid here and as SVG by the
        admin's schema pages (``gatimitra/console/schema.py``):
        ``(entities, relationships)``. An entity is ``(table, [Key])``, its
        key columns (PK, FK); a relationship a ``Relationship`` from a child
        table of this schema to its parent (maybe in another schema)."""
        entities, relationships = [], set()
        for table in self.tables:
            info = self.info(table)
            fk_columns = {c for fk in self.outgoing[table.name] for c in fk.columns}
            soft = info.soft_references if info else {}
            pk = set(table.primary_key)
            keys = []
            for column in table.columns:
                marks = []
                if column.name in pk:
                    marks.append("PK")
                if column.name in fk_columns or column.name in soft:
                    marks.append("FK")
                if marks:
                    keys.append(Key(column.name, column.type, tuple(marks), column.name in soft))
            entities.append((table, keys))
            for fk in self.outgoing[table.name]:
                relationships.add(self._relationship(table, fk.columns, fk, soft=False))
            for column, (schema, target, _target_column) in sorted(soft.items()):
                fake = ForeignKey(
                    "", self.schema, table.name, (column,), schema, target, (), "", "", ""
                )
                relationships.add(self._relationship(table, (column,), fake, soft=True))
        return entities, sorted(relationships)

    def diagram_lines(self):
        home = self.schema
        lines = ["erDiagram"]
        entities, relationships = self.diagram()
        for table, keys in entities:
            lines.append(f"    {table.name} {{")
            lines += [
                f"        {mermaid_type(key.type)} {key.column} {', '.join(key.marks)}"
                + (' "no constraint"' if key.soft else "")
                for key in keys
            ]
            lines.append("    }")
        externals = {
            (rel.target_schema, rel.target_table)
            for rel in relationships
            if rel.target_schema != home
        }
        lines += sorted({rel.mermaid(home) for rel in relationships})
        return lines, sorted(externals)

    def _relationship(self, table, columns, fk, soft):
        return Relationship(
            target_schema=fk.target_schema,
            target_table=fk.target_table,
            table=table.name,
            columns=tuple(columns),
            nullable=any(not table.column(c).not_null for c in columns),
            unique=frozenset(columns) in table.unique_sets,
            soft=soft,
        )

    def render_diagram(self):
        diagram, externals = self.diagram_lines()
        lines = [
            "### ER diagram",
            "",
            "Entities show only key columns (PK, FK). A relationship reads parent "
            "`||` (key NOT NULL) or `|o` (nullable) to child `o{` (many) or `o|` (at most "
            "one: the key is unique); a dotted line is a reference kept without a "
            "constraint. Its label is the referencing column(s).",
            "",
            "```mermaid",
            *diagram,
            "```",
            "",
        ]
        if externals:
            names = ", ".join(
                f"{code(mermaid_id(s, t, self.schema))} = {code(f'{s}.{t}')}" for s, t in externals
            )
            lines += [f"Tables of other schemas in the diagram: {names}.", ""]
        return lines

    # Table index and enums

    def render_index(self):
        rows = []
        for table in self.tables:
            info = self.info(table)
            purpose = first_paragraph(self.purpose(table))
            rows.append(
                [
                    f"[{code(table.name)}](#{_anchor(table.qualified)})",
                    code(info.label) if info else "(no model)",
                    cell(purpose),
                ]
            )
        return ["### Tables", "", *table_rows(["table", "model", "purpose"], rows), ""]

    def enums(self):
        """``(enums, lists)``: ``{TextChoices class: [table.column]}`` of the
        columns using an enum, and ``[(table.column, [values])]`` of the
        other columns with a fixed list of values."""
        enums = defaultdict(list)
        lists = []
        for table in self.tables:
            info = self.info(table)
            if not info:
                continue
            for column in table.columns:
                model_field = info.fields.get(column.name)
                if model_field is None:
                    continue
                enum = field_enum(model_field)
                base = getattr(model_field, "base_field", model_field)
                if enum is not None:
                    enums[enum].append(f"{table.name}.{column.name}")
                elif base.choices:
                    values = [str(value) for value, _label in base.flatchoices]
                    lists.append((f"{table.name}.{column.name}", values))
        return enums, lists

    def render_enums(self):
        enums, lists = self.enums()
        lines = ["### Enums and value lists", ""]
        if enums:
            lines += [
                "Enums are `TextChoices`; the columns using them are `EnumField`s, whose "
                "CHECK lists the values.",
                "",
            ]
            rows = [
                [
                    code(enum.__name__),
                    code(_enum_source(enum)),
                    ", ".join(code(value) for value in enum.values),
                    ", ".join(code(column) for column in sorted(columns)),
                ]
                for enum, columns in sorted(
                    enums.items(), key=lambda item: (item[0].__name__, item[0].__module__)
                )
            ]
            lines += [*table_rows(["enum", "defined in", "values", "columns"], rows), ""]
        if lists:
            lines += ["Other columns with a fixed list of values (`choices`):", ""]
            rows = [
                [code(column), ", ".join(code(value) for value in values)]
                for column, values in sorted(lists)
            ]
            lines += [*table_rows(["column", "values"], rows), ""]
        if not enums and not lists:
            lines += ["None.", ""]
        return lines

    # One table

    def render_table(self, table):
        info = self.info(table)
        lines = [f"### {code(table.qualified)}", ""]
        if self.purpose(table):
            lines += [self.purpose(table), ""]
        if info:
            lines += [f"Model {code(info.label)} in {code(info.source)}.", ""]
        else:
            lines += ["No Django model: made by SQL in a migration.", ""]
        model = apps.get_model(info.label) if info else None
        partitions = partitioning(table, getattr(model, "partitioning", None))
        if partitions:
            lines += [partitions, ""]
        lines += self.render_columns(table, info)
        lines += self.render_constraints(table, info)
        lines += self.render_indexes(table)
        lines += self.render_foreign_keys(table)
        if table.triggers:
            rows = [
                [code(name), code(_trigger_body(name, definition, table))]
                for name, definition in table.triggers
            ]
            lines += ["**Triggers**", "", *table_rows(["trigger", "definition"], rows), ""]
        return lines

    def render_columns(self, table, info):
        fks = {}
        for fk in self.outgoing[table.name]:
            if len(fk.columns) == 1:
                fks.setdefault(fk.columns[0], fk)
        pk = set(table.primary_key)
        rows = []
        for column in table.columns:
            notes = []
            if column.name in pk:
                notes.append("primary key" if len(pk) == 1 else "in the primary key")
            fk = fks.get(column.name)
            if fk:
                arrow = " ↗" if fk.cross_schema else ""
                target = f"{fk.target_schema}.{fk.target_table}.{fk.target_columns[0]}"
                notes.append(f"→ {code(target)}{arrow}")
            model_field = info.fields.get(column.name) if info else None
            if info and column.name in info.soft_references:
                target = ".".join(info.soft_references[column.name])
                notes.append(f"→ {code(target)} without a constraint")
            if model_field is not None:
                enum = field_enum(model_field)
                base = getattr(model_field, "base_field", model_field)
                if enum is not None:
                    notes.append(f"enum {code(enum.__name__)}")
                elif base.choices:
                    notes.append("value list")
                if model_field.help_text:
                    notes.append(cell(markdown_doc(str(model_field.help_text))))
            if column.comment and (
                model_field is None or column.comment != str(model_field.help_text)
            ):
                notes.append(cell(column.comment))
            if column.identity:
                default = f"identity ({column.identity})"
            elif column.generated:
                default = f"generated: {code(column.default)}"
            else:
                default = code(column.default) if column.default is not None else ""
            rows.append(
                [
                    code(column.name),
                    code(column.type),
                    "no" if column.not_null else "yes",
                    default,
                    "; ".join(notes),
                ]
            )
        return [
            "**Columns**",
            "",
            *table_rows(["column", "type", "null", "default", "notes"], rows),
            "",
        ]

    def render_constraints(self, table, info):
        kinds = {"p": "PRIMARY KEY", "u": "UNIQUE", "c": "CHECK", "x": "EXCLUDE"}
        rows = []
        for name, kind, definition, _index in table.constraints:
            text = _enum_check(name, definition, table, info) if kind == "c" else None
            rows.append([code(name), kinds[kind], text or code(definition)])
        if not rows:
            return []
        return ["**Constraints**", "", *table_rows(["name", "type", "definition"], rows), ""]

    def render_indexes(self, table):
        backing = {index: kind for _n, kind, _d, index in table.constraints if index}
        labels = {"p": "primary key", "u": "unique constraint", "x": "exclusion constraint"}
        rows = []
        for name, unique, definition in table.indexes:
            match = re.match(r"^CREATE (?:UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ (.*)$", definition)
            body = match.group(1) if match else definition
            kind = labels.get(backing.get(name)) or ("unique" if unique else "")
            rows.append([code(name), kind, code(body)])
        if not rows:
            return []
        return ["**Indexes**", "", *table_rows(["index", "kind", "definition"], rows), ""]

    def render_foreign_keys(self, table):
        lines = []
        outgoing = self.outgoing[table.name]
        if outgoing:
            rows = [
                [
                    code(", ".join(fk.columns)),
                    f"{code(_fk_target(fk))}{' ↗' if fk.cross_schema else ''}",
                    _fk_actions(fk),
                    fk.deferrable,
                    code(fk.name),
                ]
                for fk in outgoing
            ]
            header = ["columns", "references", "on delete", "deferrable", "constraint"]
            lines += ["**References**", "", *table_rows(header, rows), ""]
        incoming = sorted(
            self.incoming[table.name],
            key=lambda fk: (fk.schema, fk.table, fk.columns, fk.name),
        )
        if incoming:
            rows = [
                [
                    f"{code(f'{fk.schema}.{fk.table}')}{' ↗' if fk.cross_schema else ''}",
                    code(", ".join(fk.columns)),
                    _fk_actions(fk),
                    code(fk.name),
                ]
                for fk in incoming
            ]
            header = ["from table", "columns", "on delete", "constraint"]
            lines += ["**Referenced by**", "", *table_rows(header, rows), ""]
        return lines


def _anchor(heading):
    """GitHub's anchor for a heading ``schema.table`` in a code span."""
    return re.sub(r"[^a-z0-9_ -]", "", heading.lower()).replace(" ", "-")


def _fk_target(fk):
    return f"{fk.target_schema}.{fk.target_table} ({', '.join(fk.target_columns)})"


def _fk_actions(fk):
    if fk.on_update == "NO ACTION":
        return fk.on_delete
    return f"{fk.on_delete}; on update {fk.on_update}"


_ENUM_VALUE = re.compile(r"'((?:[^']|'')*)'::character varying")
#: ``EnumField(check_form="text_array")``: one array constant, ``'{A,B}'::text[]``.
_ENUM_ARRAY = re.compile(r"'\{((?:[^']|'')*)\}'::text\[\]")
_ARRAY_ELEMENT = re.compile(r'"((?:[^"\\]|\\.)*)"|([^,]+)')


def _enum_values(definition):
    """The values a CHECK written by an EnumField lists, in order."""
    array = _ENUM_ARRAY.search(definition)
    if array is None:
        return [value.replace("''", "'") for value in _ENUM_VALUE.findall(definition)]
    elements = array.group(1).replace("''", "'")
    return [
        re.sub(r"\\(.)", r"\1", quoted) if quoted else bare
        for quoted, bare in _ARRAY_ELEMENT.findall(elements)
    ]


def _enum_check(name, definition, table, info):
    """An EnumField's CHECK, shortened to its enum when the values are exactly
    the enum's (otherwise the full definition shows the difference)."""
    if not info:
        return None
    for column, model_field in info.fields.items():
        if name != f"{table.name}_{column}_check":
            continue
        enum = field_enum(model_field)
        if enum is None:
            return None
        values = _enum_values(definition)
        if values == [str(v) for v in enum.values]:
            array = "⊆" if hasattr(model_field, "base_field") else "∈"
            return f"{code(column)} {array} enum {code(enum.__name__)}"
    return None


def _trigger_body(name, definition, table):
    body = re.sub(rf"^CREATE (?:CONSTRAINT )?TRIGGER {re.escape(name)} ", "", definition)
    return body.replace(f" ON {table.schema}.{table.name} ", " ")


# The README ----------------------------------------------------------------


def cross_schema_links(catalog):
    """``{(schema, target schema): number of foreign keys}`` between schemas."""
    links = defaultdict(int)
    for fk in catalog.foreign_keys:
        if fk.cross_schema:
            links[fk.schema, fk.target_schema] += 1
    return links


def render_readme(domain_list, catalog):
    links = cross_schema_links(catalog)
    schemas = [d.schema for d in domain_list]
    others = sorted({s for pair in links for s in pair} - set(schemas))
    lines = [
        f"<!-- Generated by `{GENERATOR}`; edit docs/schema/notes/ or the models, "
        "never this file. -->",
        "",
        "# Schema documentation",
        "",
        "One PostgreSQL schema per business domain. Each page starts with the domain's "
        "design notes (hand-written, kept in `notes/<domain>.md`) followed by a reference "
        "generated from the models and the catalog of a database built by the migrations "
        "(`python manage.py schema_docs`; CI runs it with `--check`).",
        "",
        "## Domains and their links",
        "",
        "An arrow is the number of foreign keys from tables of one schema to tables of another.",
        "",
        "```mermaid",
        "flowchart LR",
    ]
    for domain in domain_list:
        count = len(catalog.domain_tables(domain.schema))
        lines.append(f'    {domain.schema}["{domain.schema} ({_plural(count, "table")})"]')
    for schema in others:
        lines.append(f'    {schema}["{schema}"]')
    for (source, target), count in sorted(links.items()):
        lines.append(f'    {source} -->|"{count}"| {target}')
    lines += ["```", ""]
    rows = []
    for domain in domain_list:
        out = sum(n for (s, _t), n in links.items() if s == domain.schema)
        into = sum(n for (_s, t), n in links.items() if t == domain.schema)
        rows.append(
            [
                f"[{code(domain.schema)}]({domain.schema}.md)",
                str(len(catalog.domain_tables(domain.schema))),
                str(out),
                str(into),
                cell(markdown_doc(first_paragraph(domain.summary))),
            ]
        )
    header = ["schema", "tables", "keys to other schemas", "keys from other schemas", "holds"]
    lines += ["## Domains", "", *table_rows(header, rows)]
    return "\n".join(lines) + "\n"


# Entry point ---------------------------------------------------------------


def generate(connection, root):
    """``{relative path: text}`` of every generated file, from a psycopg
    connection to a migrated database; ``root`` is docs/schema (for the notes)."""
    catalog = read_catalog(connection)
    infos = model_infos()
    domain_list = domains()
    files = {}
    for domain in domain_list:
        path = notes_path(root, domain.schema)
        if path.exists():
            domain.notes = path.read_text(encoding="utf-8")
        files[f"{domain.schema}.md"] = DomainPage(domain, catalog, infos).render()
    files["README.md"] = render_readme(domain_list, catalog)
    return files
