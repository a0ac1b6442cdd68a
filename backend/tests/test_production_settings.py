"""Production mode: settings read in a fresh process from a given environment only (no .env, none of
the suite's relaxations), as a server would start."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# The production configuration that README (Configure → Production) and .env.example document.
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "ptw.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://ptw.example.com",
    "SECURE_HSTS_PRELOAD": "True",
}
SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_AGE",
    "WHITENOISE_USE_FINDERS",
]


@pytest.fixture
def run(tmp_path):
    """run(args, env) → the finished process: `python args…` in the project with only `env` set."""
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")

    def start(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
        clean = {"PATH": os.environ["PATH"], "ENV_FILE": str(empty_env_file), **env}
        return subprocess.run(
            [sys.executable, *args], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=120
        )

    return start


@pytest.fixture
def settings_under(run):
    """settings_under(env) → the security settings a process started with `env` reads."""
    program = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SECURITY_SETTINGS!r}}}))"
    )

    def read(env: dict[str, str]) -> dict:
        result = run(["-c", program], {"DJANGO_SETTINGS_MODULE": "backend.settings", **env})
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    return read


def test_check_deploy_is_clean_in_the_documented_production_configuration(run):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_defaults_are_productions(settings_under):
    assert settings_under({"SECRET_KEY": PRODUCTION["SECRET_KEY"]}) == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_REDIRECT_EXEMPT": [],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_AGE": 43_200,
        "WHITENOISE_USE_FINDERS": False,
    }


def test_every_flag_is_set_from_the_environment(settings_under):
    read = settings_under(
        {
            "SECRET_KEY": "k",
            "DEBUG": "True",
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": "60",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "False",
            "SECURE_HSTS_PRELOAD": "True",
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "SECURE_REDIRECT_EXEMPT": r"^api/v1/ptw/health/$",
            "SESSION_COOKIE_SECURE": "False",
            "CSRF_COOKIE_SECURE": "False",
            "SESSION_COOKIE_AGE": "3600",
        }
    )

    assert read == {
        "DEBUG": True,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 60,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_REDIRECT_EXEMPT": [r"^api/v1/ptw/health/$"],
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SESSION_COOKIE_AGE": 3600,
        "WHITENOISE_USE_FINDERS": True,  # follows DEBUG unless set
    }


def test_without_a_secret_key_a_production_process_refuses_to_start(run, tmp_path):
    missing = tmp_path / "no-such-file"

    result = run(["manage.py", "check"], {"SECRET_KEY_FILE": str(missing)})

    assert result.returncode != 0
    assert f"Set SECRET_KEY, or SECRET_KEY_FILE to a file holding it ({missing} does not exist)" in result.stderr


def test_the_secret_key_can_come_from_a_file(run, tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(PRODUCTION["SECRET_KEY"] + "\n")
    program = "import django; from django.conf import settings; django.setup(); print(settings.SECRET_KEY)"

    result = run(["-c", program], {"DJANGO_SETTINGS_MODULE": "backend.settings", "SECRET_KEY_FILE": str(key_file)})

    assert result.stdout.strip() == PRODUCTION["SECRET_KEY"]


def test_a_malformed_proxy_ssl_header_is_refused_at_start(run):
    result = run(["manage.py", "check"], {"SECRET_KEY": "k", "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"})

    assert result.returncode != 0 and "SECURE_PROXY_SSL_HEADER must be 'HEADER,value'" in result.stderr


def test_env_example_lists_every_variable_the_settings_read():
    base = settings.BASE_DIR
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', (base / "backend/settings.py").read_text()))
    listed = set(re.findall(r"^#? ?([A-Z][A-Z_]+)=", (base / ".env.example").read_text(), flags=re.MULTILINE))

    assert read - listed == set()
    assert listed - read == set()


def test_env_example_as_a_env_file_gives_the_production_defaults(settings_under):
    example = str(settings.BASE_DIR / ".env.example")

    read = settings_under({"ENV_FILE": example, "SECRET_KEY": "k"})

    assert read["DEBUG"] is False and read["SECURE_SSL_REDIRECT"] is True and read["SESSION_COOKIE_SECURE"] is True
    assert read["SECURE_PROXY_SSL_HEADER"] is None and read["SECURE_REDIRECT_EXEMPT"] == []
