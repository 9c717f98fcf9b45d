"""The local review page (FastAPI): `create_app(config)`, `serve(config, host, port)`."""

from inbox_agent.web.app import create_app, serve

__all__ = ["create_app", "serve"]
