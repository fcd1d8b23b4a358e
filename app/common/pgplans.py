"""On PostgreSQL through psycopg, a statement is planned for its own values.

psycopg prepares a statement on the server at its fifth run on a connection; PostgreSQL then
plans it afresh five more times and may keep, from then on, one plan for any parameters (a
"generic" plan). The scoped counts' parameters swing from one branch to the whole county and
their status lists are skewed: the generic plan of the committee dashboard's open cases
walked every case of every point (340 ms instead of 20) from the tenth view on a server's
connection on, and the dashboard after a case write went from 0.17 to 0.9 s.

So a statement with parameters is not prepared unless it asks with ``PREPARED``: the session
lookup every request makes, whose plan does not depend on its token (0.85 ms to plan, 0.26
ms to run prepared). An insert has one plan whatever its rows, and a statement without
parameters has its values in its text: psycopg prepares those as it likes (bulk inserts,
their batches of many VALUES, statements sent without parameters).
"""

from __future__ import annotations

from sqlalchemy import Engine, event
from sqlalchemy.engine.interfaces import ExecuteStyle

# Execution options of a statement prepared on the server at its first run on a connection.
PREPARED = {"prepared": True}


def install(engine: Engine) -> None:
    """On an engine through psycopg, run the statements that ask for it (``PREPARED``)
    prepared and the others not, except two left to psycopg: the batches of a bulk insert
    (one plan whatever the rows) and a streamed read's server-side cursor (never prepared)."""
    if engine.dialect.driver != "psycopg":
        return
    from psycopg import ServerCursor

    @event.listens_for(engine, "do_execute")
    def _execute(cursor, statement, parameters, context) -> bool:
        if isinstance(cursor, ServerCursor):
            return False
        if context.execute_style is ExecuteStyle.INSERTMANYVALUES:
            return False
        prepared = bool(context.execution_options.get("prepared"))
        cursor.execute(statement, parameters, prepare=prepared)
        return True
