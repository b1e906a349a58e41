"""The deny-by-default URL fetcher: it serves the app's own static files and nothing else."""

import os
from pathlib import Path
from urllib.parse import urljoin

import pytest

from recovery.export.fetcher import BASE_URL, RefusedURL, StaticFileFetcher

STATIC_DIR = Path(__file__).parents[2] / "static"
PRINT_CSS = BASE_URL + "static/css/print.css"

REFUSED = [
    pytest.param("file:///etc/passwd", id="file-url"),
    pytest.param("file://" + str(STATIC_DIR / "css" / "print.css"), id="file-url-into-static"),
    pytest.param("http://127.0.0.1:1/x", id="http-localhost"),
    pytest.param("http://169.254.169.254/latest/meta-data/", id="http-cloud-metadata"),
    pytest.param("https://example.org/x", id="https-other-host"),
    pytest.param("https://example.org/static/css/print.css", id="static-path-on-other-host"),
    pytest.param(urljoin(BASE_URL, "../../etc/passwd"), id="relative-dotdot"),
    pytest.param(urljoin(BASE_URL, "/static/../../recovery/config.py"), id="static-dotdot-joined"),
    pytest.param(BASE_URL + "static/../../recovery/config.py", id="static-dotdot-raw"),
    pytest.param(BASE_URL + "static/css/../../recovery/config.py", id="static-dotdot-inner"),
    pytest.param(BASE_URL + "static/%2e%2e/%2e%2e/recovery/config.py", id="static-dotdot-encoded"),
    pytest.param(BASE_URL + "static/..%2f..%2frecovery/config.py", id="static-slash-encoded"),
    pytest.param(BASE_URL + "static/css%5c..%5c..%5cREADME.md", id="static-backslash"),
    pytest.param(BASE_URL + "static/css/print.css%00.png", id="nul-byte"),
    pytest.param(BASE_URL + "static//etc/passwd", id="double-slash"),
    pytest.param(BASE_URL + "static/", id="static-folder-itself"),
    pytest.param(BASE_URL + "static/css", id="a-folder"),
    pytest.param(BASE_URL + "static/css/missing.css", id="missing-file"),
    pytest.param(BASE_URL + "static/css/print.css?v=1", id="query-string"),
    pytest.param(BASE_URL + "static/css/print.css#x", id="fragment"),
    pytest.param(BASE_URL + "recovery/config.py", id="outside-static"),
    pytest.param("http://recovery.invalid/static/css/print.css", id="plain-http-same-host"),
    pytest.param("https://user@recovery.invalid/static/css/print.css", id="userinfo"),
    pytest.param("https://recovery.invalid:8443/static/css/print.css", id="port"),
    pytest.param("https://recovery.invalid.example.org/static/css/print.css", id="host-suffix"),
    pytest.param("data:text/css,body{color:red}", id="data-url"),
    pytest.param("data:text/plain;base64,cm9vdDp4OjA6MA==", id="data-base64"),
    pytest.param("ftp://127.0.0.1/x", id="ftp"),
    pytest.param("/etc/passwd", id="bare-path"),
    pytest.param("", id="empty"),
]


@pytest.fixture
def fetcher() -> StaticFileFetcher:
    return StaticFileFetcher(STATIC_DIR)


def test_serves_the_print_stylesheet(fetcher: StaticFileFetcher) -> None:
    response = fetcher.fetch(PRINT_CSS)

    assert response.read() == (STATIC_DIR / "css" / "print.css").read_bytes()
    assert response.content_type == "text/css"


@pytest.mark.parametrize("url", REFUSED)
def test_refuses(fetcher: StaticFileFetcher, url: str) -> None:
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


def test_refuses_a_symlink_out_of_the_static_folder(tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    os.symlink(secret, static / "css" / "escape.css")

    with pytest.raises(RefusedURL):
        StaticFileFetcher(static).fetch(BASE_URL + "static/css/escape.css")


def test_refuses_hidden_files(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / ".env").write_text("SECRET_KEY=x", encoding="utf-8")

    with pytest.raises(RefusedURL):
        StaticFileFetcher(static).fetch(BASE_URL + "static/.env")


def test_never_falls_back_to_weasyprints_fetcher(
        fetcher: StaticFileFetcher, monkeypatch: pytest.MonkeyPatch) -> None:
    def trap(*args: object, **kwargs: object) -> None:
        raise AssertionError("the default fetcher was reached")

    monkeypatch.setattr("weasyprint.urls.URLFetcher.fetch", trap)
    monkeypatch.setattr("urllib.request.OpenerDirector.open", trap)

    for url in ("file:///etc/passwd", "https://example.org/x", "data:,x"):
        with pytest.raises(RefusedURL):
            fetcher(url)  # WeasyPrint calls the fetcher object itself
        with pytest.raises(RefusedURL):
            fetcher.open(url)
    assert fetcher(PRINT_CSS).read().startswith(b"/*")
