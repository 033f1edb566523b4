"""Database fixtures (SQLite file + PostgreSQL on 127.0.0.1): owned by the storage tests."""
