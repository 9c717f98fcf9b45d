"""The newsletter archive.

Importers (Substack, RSS/Atom, Markdown/HTML, sent issues) and chunking.
"""
