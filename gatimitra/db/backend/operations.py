from django.db.backends.postgresql.operations import DatabaseOperations as PostgreSQLOperations

#: Schemas whose tables ``flush`` leaves alone: the audit trail refuses
#: TRUNCATE whoever asks and whatever is set (docs/operations.md), so tests
#: that flush (TransactionTestCase, live servers) keep its entries.
UNFLUSHED_SCHEMAS = ("audit", "audit_secrets")
#: Tables whose rows only a data migration writes (reference data such as
#: the GST state codes): a flush that emptied them would leave a test
#: database no later test could write a store or an address into.
UNFLUSHED_TABLES = ("orders.indian_states",)


class DatabaseOperations(PostgreSQLOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        tables = [
            table
            for table in tables
            if ("." not in table or table.split(".", 1)[0].strip('"') not in UNFLUSHED_SCHEMAS)
            and table.replace('"', "") not in UNFLUSHED_TABLES
        ]
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        # Append-only domain tables refuse TRUNCATE with no setting to turn
        # it off; a superuser's replica mode (the tests' flush) skips the
        # guard triggers for this one transaction, and anyone else is refused.
        return ["SET LOCAL session_replication_role = replica", *statements]
