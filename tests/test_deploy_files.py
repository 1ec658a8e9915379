"""deploy/ agrees with itself and with the settings: the environment file names only documented
variables and every secret production requires, the compose file runs what the systemd units run,
and every unit runs as the service's user behind the same hardening. (deploy/smoke runs the units'
commands for real, and has systemd-analyze verify them.)"""

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
REQUIRED_IN_PRODUCTION = {
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "BLIND_INDEX_KEY",
    "PASSPHRASE_KEYS",
    "HOTLINE_SIGNING_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
}
HARDENING = {
    "User": "childshield",
    "NoNewPrivileges": "yes",
    "PrivateTmp": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "EnvironmentFile": "/etc/childshield/childshield.env",
    "StateDirectory": "childshield",
}


def environment_example() -> dict[str, str]:
    lines = (DEPLOY / "childshield.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def unit_settings(unit: Path) -> dict[str, str]:
    return dict(
        line.split("=", 1) for line in unit.read_text().splitlines() if re.match(r"^[A-Za-z]+=", line)
    )


def unit_command(name: str) -> list[str]:
    argv = shlex.split(unit_settings(DEPLOY / "systemd" / f"childshield-{name}.service")["ExecStart"])
    return [Path(argv[0]).name, *argv[1:]]


def test_the_environment_file_names_only_documented_variables():
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", (ROOT / "docs" / "configuration.md").read_text()))
    named = set(environment_example()) - {"DJANGO_SETTINGS_MODULE"}
    undocumented = {name for name in named - documented if not name.startswith("ANYMAIL_")}
    assert not undocumented, f"not in docs/configuration.md: {sorted(undocumented)}"


def test_the_environment_file_has_every_variable_production_requires():
    example = environment_example()
    assert set(example) >= REQUIRED_IN_PRODUCTION
    assert example["DJANGO_SETTINGS_MODULE"] == "childshield.settings.production"


def test_every_unit_runs_as_the_service_user_behind_the_same_hardening():
    assert [unit.name for unit in UNITS] == [
        "childshield-beat.service",
        "childshield-web.service",
        "childshield-worker.service",
    ]
    for unit in UNITS:
        settings = unit_settings(unit)
        assert {key: settings.get(key) for key in HARDENING} == HARDENING, unit.name
        assert settings["WorkingDirectory"] == "/srv/childshield", unit.name


def test_the_compose_file_runs_what_the_units_run():
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    assert services["worker"]["command"] == unit_command("worker")
    assert services["beat"]["command"] == unit_command("beat")
    # The web server differs only in the address it binds: the container's own, not loopback.
    web = unit_command("web")
    assert services["web"]["command"] == [part.replace("127.0.0.1", "0.0.0.0") for part in web]
    assert {"postgres", "redis", "migrate"} <= set(services)
