"""The system libraries WeasyPrint loads through ctypes, checked before it is imported: a missing
one is named with its Debian package, instead of failing deep inside an import (a missing
HarfBuzz-subset is only a warning there, which the test suite turns into an error)."""

import ctypes
import sys
from collections.abc import Mapping

# Shared object name: the Debian/Ubuntu package that has it (also in scripts/debian-packages).
LIBRARIES = {
    "libpango-1.0.so.0": "libpango-1.0-0",
    "libpangoft2-1.0.so.0": "libpangoft2-1.0-0",
    "libharfbuzz-subset.so.0": "libharfbuzz-subset0",
}


def missing_packages(libraries: Mapping[str, str] = LIBRARIES) -> list[str]:
    """The packages whose library can't be loaded (on Linux; elsewhere the names differ)."""
    if not sys.platform.startswith("linux"):
        return []
    missing = []
    for shared_object, package in libraries.items():
        try:
            ctypes.CDLL(shared_object)
        except OSError:
            missing.append(package)
    return missing


def require(libraries: Mapping[str, str] = LIBRARIES) -> None:
    """Stop with one line naming the packages to install, if any library is missing."""
    missing = missing_packages(libraries)
    if missing:
        raise SystemExit(
            "recovery: the PDFs need system libraries that are not installed. On Debian or "
            f"Ubuntu: sudo apt-get install {' '.join(missing)}  (./scripts/run and "
            "./scripts/test install them for you).")
