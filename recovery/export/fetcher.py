"""The deny-by-default URL fetcher every PDF render goes through.

WeasyPrint's default fetcher reads file://, http(s):// and data: URLs, so a stray reference in a
template could embed a file from the server or make a request from it. Ours serves only files
inside the app's static folder, under a fixed fake origin, and stops the render on anything else.
"""

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

# Relative URLs in the templates resolve against this origin. `.invalid` can never resolve
# (RFC 2606), so even a fetcher bug could not turn it into a network request.
BASE_URL = "https://recovery.invalid/"
STATIC_PREFIX = "/static/"


class RefusedURL(FatalURLFetchingError):
    """Raised inside WeasyPrint for any URL we do not serve.

    A FatalURLFetchingError stops the render; any other exception would only be logged and the
    resource skipped, leaving a template mistake unnoticed.
    """


class ResourceRefused(RuntimeError):
    """The render referenced a URL outside the static folder. FatalURLFetchingError is a
    BaseException, which would escape Flask's error handling, so it is re-raised as this."""


class StaticFileFetcher(URLFetcher):
    """Serves `BASE_URL/static/<path>` from the static folder and refuses everything else.

    It never calls URLFetcher.fetch, so urllib's file, http, ftp and data handlers are never
    reached; the parent is also told to allow no protocol at all, in case anything does.
    """

    def __init__(self, static_dir: Path) -> None:
        super().__init__(timeout=1, allowed_protocols=frozenset(), allow_redirects=False,
                         fail_on_errors=True)
        self.static_dir = static_dir.resolve()

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        path = self.static_path(url)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})

    def static_path(self, url: str) -> Path:
        """The file inside the static folder that `url` names; RefusedURL for anything else."""
        relative = static_relative(url)
        # Resolve symlinks too: the real file must be inside the real static folder.
        path = (self.static_dir / relative).resolve()
        if not path.is_relative_to(self.static_dir) or not path.is_file():
            raise RefusedURL(f"refused a path that is not a static file: {url[:200]!r}")
        return path


def static_relative(url: str) -> str:
    """The path under STATIC_PREFIX that `url` names, unquoted; RefusedURL unless `url` is a
    plain one of the app's static URLs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise RefusedURL(f"refused a malformed URL: {url[:200]!r}") from None
    if (f"{parts.scheme}://{parts.netloc}/" != BASE_URL or parts.query or parts.fragment
            or not parts.path.startswith(STATIC_PREFIX)):
        raise RefusedURL(f"refused a URL outside the app's static files: {url[:200]!r}")
    relative = unquote(parts.path.removeprefix(STATIC_PREFIX))
    if is_suspicious(relative):
        raise RefusedURL(f"refused a suspicious static path: {url[:200]!r}")
    return relative


def is_suspicious(relative: str) -> bool:
    """No dot segments, hidden files, backslashes or NULs, even before resolving: a path that
    needs them is not one of ours."""
    return (any(s in ("", ".", "..") or s.startswith(".") for s in relative.split("/"))
            or "\\" in relative or "\x00" in relative)
