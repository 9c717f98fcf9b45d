"""Insights: tags per reply, topics for future issues, coverage of the archive."""
