"""/docs and /redoc work without a network: every asset they load is served by COSY itself.

A browser would fetch each ``src``/``href`` of the page, and the scripts fetch the OpenAPI
document; all of them must be same-origin and answer here. (Rendering in a headless browser
needs Chromium, which this machine does not have; the demo issue adds that.)
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def _page_urls(html: str) -> list[str]:
    parser = _Assets()
    parser.feed(html)
    # the inline script names the spec and, for ReDoc, the script by string
    parser.urls += re.findall(r"""(?:url|spec-url)\s*[:=]\s*['"]([^'"]+)['"]""", html)
    return parser.urls


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_load_nothing_from_another_host(client, page):
    r = client.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    urls = _page_urls(r.text)
    assert any(u.endswith(".js") for u in urls), urls  # the UI's own script is among them
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{page} loads {url} from another host"
        assert client.get(url).status_code == 200, f"{page}: {url} is not served"
    assert "cdn.jsdelivr.net" not in r.text and "fonts.googleapis.com" not in r.text


def test_swagger_ui_does_not_call_the_online_validator(client):
    html = client.get("/docs").text
    assert '"validatorUrl": null' in html
