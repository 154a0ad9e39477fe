"""sitroom web: the situation room in a browser, and its JSON API.

    sitroom serve --db sitroom.db            # http://127.0.0.1:8000/
    from sitroom.web import create_app       # the FastAPI application, for any ASGI server
"""
from .app import create_app
from .server import serve

__all__ = ["create_app", "serve"]
