"""Configuration precedence, the secret-key refusal and the secret-key file.

These build bare Flask apps with a temporary instance folder, so a developer's real instance/
folder and environment never leak into the results.
"""

import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

import recovery
from recovery import config

GOOD_KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove variables that load_config reads, including the test runner's own RECOVERY_*."""
    for name in list(os.environ):
        if name.startswith("RECOVERY_") or name in {"DATABASE_URL", "FLASK_DEBUG"}:
            monkeypatch.delenv(name)


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    return tmp_path / "instance"


def bare_app(instance: Path) -> Flask:
    return Flask("recovery", instance_path=str(instance), instance_relative_config=True)


def load(
    instance: Path, test_config: dict[str, Any] | None = None, *, testing: bool = True
) -> Flask:
    app = bare_app(instance)
    settings = {"TESTING": True, **(test_config or {})} if testing else test_config
    config.load_config(app, settings)
    return app


def write_instance_config(instance: Path, text: str) -> None:
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text(text, encoding="utf-8")


def test_defaults(instance: Path) -> None:
    app = load(instance)

    assert instance.is_dir(), "load_config creates the instance folder"
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'recovery.sqlite3'}"
    assert app.config["MAX_CONTENT_LENGTH"] == 64 * 1024
    assert app.config["MAX_FORM_MEMORY_SIZE"] <= app.config["MAX_CONTENT_LENGTH"]
    assert 0 < app.config["MAX_FORM_PARTS"] <= 1000
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=2)
    assert app.config["SEEDS_DIR"] == Path(config.__file__).resolve().parent.parent / "seeds"
    assert app.config["CRISIS_LOCALE"] == "US"


@pytest.mark.parametrize(
    ("in_file", "in_env", "in_test_config", "expected"),
    [
        (False, False, False, "US"),
        (True, False, False, "GB"),
        (True, True, False, "CA"),
        (False, True, False, "CA"),
        (True, True, True, "IE"),
    ],
)
def test_precedence(
    instance: Path,
    monkeypatch: pytest.MonkeyPatch,
    in_file: bool,
    in_env: bool,
    in_test_config: bool,
    expected: str,
) -> None:
    """defaults < instance/config.py < RECOVERY_* < test_config."""
    if in_file:
        write_instance_config(instance, 'CRISIS_LOCALE = "GB"\n')
    if in_env:
        monkeypatch.setenv("RECOVERY_CRISIS_LOCALE", "CA")
    app = load(instance, {"CRISIS_LOCALE": "IE"} if in_test_config else None)
    assert app.config["CRISIS_LOCALE"] == expected


def test_secret_key_file_is_read_and_stripped(instance: Path) -> None:
    instance.mkdir()
    (instance / "secret_key").write_text(f"  {GOOD_KEY}\n", encoding="utf-8")
    assert load(instance).config["SECRET_KEY"] == GOOD_KEY


def test_instance_config_and_env_override_secret_key_file(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance.mkdir()
    (instance / "secret_key").write_text("from-file-" + GOOD_KEY, encoding="utf-8")
    write_instance_config(instance, f'SECRET_KEY = "from-config-{GOOD_KEY}"\n')
    assert load(instance).config["SECRET_KEY"] == f"from-config-{GOOD_KEY}"

    monkeypatch.setenv("RECOVERY_SECRET_KEY", "12345678901234567890")
    key = load(instance).config["SECRET_KEY"]
    assert key == "12345678901234567890", "an all-digit key must stay a string, not a JSON int"


def test_env_values_are_json_decoded(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOVERY_SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("RECOVERY_MAX_FORM_PARTS", "50")
    app = load(instance)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["MAX_FORM_PARTS"] == 50


@pytest.mark.parametrize(
    ("in_file", "plain_env", "prefixed_env", "in_test_config", "expected"),
    [
        (True, False, False, False, "sqlite:///from-file"),
        (True, True, False, False, "sqlite:///from-plain-env"),
        (True, True, True, False, "sqlite:///from-prefixed-env"),
        (True, True, True, True, "sqlite:///from-test-config"),
    ],
)
def test_database_url_precedence(
    instance: Path,
    monkeypatch: pytest.MonkeyPatch,
    in_file: bool,
    plain_env: bool,
    prefixed_env: bool,
    in_test_config: bool,
    expected: str,
) -> None:
    """Plain DATABASE_URL beats defaults and files; RECOVERY_DATABASE_URL beats it."""
    if in_file:
        write_instance_config(instance, 'DATABASE_URL = "sqlite:///from-file"\n')
    if plain_env:
        monkeypatch.setenv("DATABASE_URL", "sqlite:///from-plain-env")
    if prefixed_env:
        monkeypatch.setenv("RECOVERY_DATABASE_URL", "sqlite:///from-prefixed-env")
    overrides = {"DATABASE_URL": "sqlite:///from-test-config"} if in_test_config else None
    assert load(instance, overrides).config["DATABASE_URL"] == expected


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        (None, "not set"),
        ("", "not set"),
        ("dev", "placeholder"),
        ("change-me", "placeholder"),
        ("CHANGEME", "placeholder"),
        ("short-key", "shorter than"),
    ],
)
def test_refuses_unusable_secret_key_outside_testing(
    instance: Path, secret: str | None, reason: str
) -> None:
    test_config = {} if secret is None else {"SECRET_KEY": secret}
    with pytest.raises(RuntimeError) as excinfo:
        load(instance, test_config, testing=False)
    message = str(excinfo.value)
    assert reason in message
    assert "./scripts/run" in message
    assert "flask --app recovery setup" in message
    assert "RECOVERY_SECRET_KEY" in message


def test_refuses_placeholder_from_env(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOVERY_SECRET_KEY", "dev")
    with pytest.raises(RuntimeError, match="placeholder"):
        load(instance, testing=False)


@pytest.mark.parametrize("flag", ["TESTING", "DEBUG"])
def test_missing_secret_key_allowed_in_testing_and_debug(instance: Path, flag: str) -> None:
    app = load(instance, {flag: True}, testing=False)
    assert not app.config.get("SECRET_KEY")


def test_good_secret_key_starts(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOVERY_SECRET_KEY", GOOD_KEY)
    assert load(instance, testing=False).config["SECRET_KEY"] == GOOD_KEY


def test_secret_key_file_is_enough_to_start(instance: Path) -> None:
    assert config.ensure_secret_key(instance) is True
    app = load(instance, testing=False)
    assert len(app.config["SECRET_KEY"]) == 64


def test_ensure_secret_key_writes_private_file_once(tmp_path: Path) -> None:
    instance = tmp_path / "new" / "instance"
    assert config.ensure_secret_key(instance) is True

    path = instance / "secret_key"
    first = path.read_text(encoding="utf-8")
    assert len(first.strip()) == 64
    int(first.strip(), 16)  # hex
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    assert config.ensure_secret_key(instance) is False
    assert path.read_text(encoding="utf-8") == first, "an existing key is never replaced"


def test_main_ensure_secret_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert config.main(["ensure-secret-key", str(tmp_path)]) == 0
    assert "Wrote a new secret key" in capsys.readouterr().out
    assert config.main(["ensure-secret-key", str(tmp_path)]) == 0
    assert "already present" in capsys.readouterr().out
    assert config.main(["bogus"]) == 2


def test_module_entry_point(tmp_path: Path) -> None:
    """The form scripts/run uses, before the app itself can start."""
    # Find the package under test even when it is not pip-installed.
    package_parent = str(Path(recovery.__file__).parent.parent)
    pythonpath = [package_parent, *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(pythonpath)}
    completed = subprocess.run(
        [sys.executable, "-W", "ignore::RuntimeWarning:runpy", "-m", "recovery.config"]
        + ["ensure-secret-key", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "secret_key").is_file()


def test_time_zone_defaults_to_new_york_and_can_be_set_from_the_environment(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load(instance).config["TIME_ZONE"] == "America/New_York"
    monkeypatch.setenv("RECOVERY_TIME_ZONE", "Europe/London")
    assert load(instance).config["TIME_ZONE"] == "Europe/London"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "EST5EDT/../../etc", 5, None])
def test_an_unknown_time_zone_stops_start_up_with_what_to_do(instance: Path, zone: object) -> None:
    with pytest.raises(config.ConfigError, match="TIME_ZONE must be a time zone name"):
        load(instance, {"TIME_ZONE": zone})
