"""Operations tooling: what runs against a live database, never at model or
migration time (deploy and ``migrate``'s run, the migration snapshot, the
reference database, partition upkeep, database roles, backups, the embedded
development server, the catalog reader shared by the drift check and the
schema docs). ``gatimitra.db`` holds what models and migrations import; this
package may import it, never the other way round, with two exceptions in the
backend: it starts the embedded development server (``ops.embedded``, standard
library only) when a connection opens, and builds the reference database
(``ops.reference``, imported lazily) when a test database is made."""
