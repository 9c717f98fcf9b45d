"""The newsletter archive: importers (Substack, RSS/Atom, Markdown/HTML, sent issues) and
chunking.

Every importer reads and parses everything before returning: an unreadable file raises
ArchiveError naming it, and nothing is returned (nothing is half-imported). Entries that are
skipped on purpose (unpublished Substack posts, rows without an HTML file, empty files) are
logged, not raised.
"""
