"""The SQLite state database (one module per area, append-only migrations) and the instance lock."""
