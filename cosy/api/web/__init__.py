"""The demo and review web page (docs/demo.md): templates, static files and their routes."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from cosy.api.web.routes import HERE, router
from cosy.api.web.session import LoginRequired


def install(app: FastAPI) -> None:
    """Mount the page's routes and its static files (all served here: no CDN, no web fonts)."""
    app.include_router(router)
    app.mount("/app/static", StaticFiles(directory=HERE / "static"), name="web-static")

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse("/app/login", status_code=303)
