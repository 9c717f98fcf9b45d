"""Mail in.

Parse each message, split the reader's words from quotes and signatures, triage, pull and
store.
"""
