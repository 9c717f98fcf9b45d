"""Reader data: export and forget a reader, retention."""
