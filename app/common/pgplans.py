"""On PostgreSQL through psycopg, a statement is planned for its own values.

psycopg prepares a statement on the server at its fifth run on a connection; PostgreSQL then
plans it afresh five more times and may keep, from then on, one plan for any parameters (a
"generic" plan). The scoped counts' parameters swing from one branch to the whole county and
their status lists are skewed: the generic plan of the committee dashboard's open cases
walked every case of every point (340 ms instead of 20) from the tenth view on a server's
connection on, and the dashboard after a case write went from 0.17 to 0.9 s.

So no statement with parameters is prepared unless it asks with ``PREPARED``: the session
lookup every request makes, whose plan does not depend on its token (0.85 ms to plan, 0.26
ms to run prepared). A statement without parameters has its values in its text, and a bulk
insert (executemany) has one plan whatever its rows: psycopg may prepare those as it likes.
"""

from __future__ import annotations

from sqlalchemy import Engine, event, make_url

# Execution options of a statement prepared on the server at its first run on a connection.
PREPARED = {"prepared": True}


def uses_psycopg(uri: str) -> bool:
    return make_url(uri).get_driver_name() == "psycopg"


def install(engine: Engine) -> None:
    """Run the statements that ask for it (``PREPARED``) prepared, and the others not (a
    streamed read's server-side cursor is never prepared)."""
    from psycopg import ServerCursor

    @event.listens_for(engine, "do_execute")
    def _execute(cursor, statement, parameters, context) -> bool:
        if isinstance(cursor, ServerCursor):
            return False
        prepared = bool(context.execution_options.get("prepared"))
        cursor.execute(statement, parameters, prepare=prepared)
        return True
