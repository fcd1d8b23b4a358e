"""Create or drop a scratch PostgreSQL database for the CI run: pgdb.py check|create|drop NAME."""

import sys

import psycopg

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def main() -> int:
    cmd = sys.argv[1]
    try:
        conn = psycopg.connect(ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as err:
        print(f"PostgreSQL not reachable at 127.0.0.1:5432: {err}".strip())
        return 3
    with conn:
        if cmd == "create":
            conn.execute(f'CREATE DATABASE "{sys.argv[2]}"')
        elif cmd == "drop":
            conn.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
