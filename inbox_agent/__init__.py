"""inbox-agent: a reply desk for newsletter authors."""

__version__ = "0.1.0"
