"""The W3C Nu HTML checker (vnu.jar) over every page the browser journeys visit.

vnu.jar comes from the npm registry's `vnu-jar` package, pinned by version and checksum; it is
fetched once into .venv by `./scripts/test` (`python tests/browser/vnu.py --fetch`), needs only
Java (Debian's default-jre-headless, in scripts/debian-packages), and runs here as a local HTTP
service for the whole test session, so each page costs a POST, not a Java start.
"""

import base64
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VERSION = "26.9.27"
TARBALL = f"https://registry.npmjs.org/vnu-jar/-/vnu-jar-{VERSION}.tgz"
# The npm registry's "integrity" of that tarball.
SHA512 = "TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+RPUiZhgli0SghgBX6RJRNea0KA=="
JAR = REPO_ROOT / ".venv" / "share" / f"vnu-{VERSION}.jar"
STARTUP_SECONDS = 90


def fetch() -> Path:
    """Download the pinned vnu-jar package, check its checksum, and keep only vnu.jar."""
    if JAR.exists():
        return JAR
    print(f"Fetching the Nu HTML checker {VERSION} from the npm registry ...")
    with urllib.request.urlopen(TARBALL, timeout=120) as response:
        tarball = response.read()
    digest = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if digest != SHA512:
        raise SystemExit(f"error: {TARBALL} does not match its pinned checksum")
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        member = archive.extractfile("package/build/dist/vnu.jar")
        assert member is not None
        JAR.parent.mkdir(parents=True, exist_ok=True)
        partial = JAR.with_suffix(".partial")
        partial.write_bytes(member.read())
        partial.replace(JAR)
    return JAR


class NuChecker:
    """vnu.jar as an HTTP service on 127.0.0.1 (`nu.validator.servlet.Main <port>`)."""

    def __init__(self, port: int, log_path: Path) -> None:
        if not JAR.exists():
            raise RuntimeError(f"{JAR} is missing: ./scripts/test fetches it "
                               "(python tests/browser/vnu.py --fetch)")
        self.url = f"http://127.0.0.1:{port}/?out=json"
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                ["java", "-Xss8m", "-Dnu.validator.servlet.bind-address=127.0.0.1",
                 "-cp", str(JAR), "nu.validator.servlet.Main", str(port)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.wait_until_ready()

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("The Nu HTML checker exited:\n"
                                   + self.log_path.read_text(errors="replace")[-2000:])
            try:
                self.errors("<!DOCTYPE html><html lang=en><title>ready?</title></html>")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        raise RuntimeError(f"The Nu HTML checker did not answer within {STARTUP_SECONDS} s")

    def errors(self, html: str) -> list[str]:
        """The checker's errors for a page (its warnings are advice, not failures)."""
        request = urllib.request.Request(
            self.url, data=html.encode(), method="POST",
            headers={"Content-Type": "text/html; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=60) as response:
            messages = json.load(response)["messages"]
        return [f"line {m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '')}]"
                for m in messages if m["type"] in ("error", "non-document-error")]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


if __name__ == "__main__":
    if sys.argv[1:] != ["--fetch"]:
        raise SystemExit("usage: python tests/browser/vnu.py --fetch")
    fetch()
