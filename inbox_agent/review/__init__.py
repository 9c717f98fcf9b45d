"""Review: approve, skip, edit and regenerate drafts; the queries the page and CLI read."""
