"""The deployment files shipped in contrib/ stay true to the code (docs/operations.md installs
them): every systemd unit runs, as the user migrex with the node's settings file and hardened,
`migrex` commands that exist with arguments their parsers accept, and may write where they
write; the long-running services restart and the worker has time to finish a delivery; every
timer starts a oneshot service and every oneshot service has a timer; the server listens where
the nginx site proxies to; the settings file names only settings the README's table lists; the
operators' wrapper runs the same `migrex` with the same settings. Where the machine has
`systemd-analyze`, it verifies the units too."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from migrex.exchange.delivery import Http

ROOT = Path(__file__).resolve().parents[3]
CONTRIB = ROOT / "contrib"
UNITS = sorted((CONTRIB / "systemd").glob("migrex-*.*"))
SERVICES = [p for p in UNITS if p.suffix == ".service"]
TIMERS = [p for p in UNITS if p.suffix == ".timer"]
EXAMPLE = CONTRIB / "migrex.env.example"
WRAPPER = CONTRIB / "bin" / "migrex"
NGINX_SITE = CONTRIB / "nginx" / "migrex.conf"

MIGREX = "/opt/migrex/.venv/bin/migrex"
ENV_FILE = "/etc/migrex/migrex.env"
LONG_RUNNING = {"migrex-server.service", "migrex-worker.service"}
EXEC_KEYS = ("ExecStartPre", "ExecStart", "ExecStartPost")
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "RestrictSUIDSGID": "yes",
    "CapabilityBoundingSet": "",
}
# Settings an operator must set: the example names each, not commented out.
REQUIRED = {
    "SECRET_KEY",
    "MIGREX_KEY_PASSPHRASE",
    "DATABASE_URL",
    "MIGREX_DATA_DIR",
    "MIGREX_PARTY",
    "MIGREX_PUBLIC_URL",
    "MIGREX_ALLOWED_HOSTS",
    "MIGREX_TRUSTED_PROXY",
    "MIGREX_METRICS_TOKEN",
    "MIGREX_LOG_FORMAT",
}
# A Python that prints the arguments it was given as JSON: stands in for `migrex` when a unit's
# shell line is run, to see the arguments the shell hands it.
ECHO = "import json, sys; print(json.dumps(sys.argv[1:]))"


# --- reading the files -------------------------------------------------------------------------


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as systemd reads it: [Section], Key=Value (a key may repeat: its values in
    order), comments on lines starting with # or ;, a trailing backslash continuing a line."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    carried = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not carried and (not line or line[0] in "#;"):
            continue
        if line.endswith("\\"):
            carried += line[:-1] + " "
            continue
        line, carried = carried + line, ""
        if line.startswith("["):
            assert line.endswith("]"), f"{path.name}:{number}: a section header is [Name]"
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}:{number}: a setting before any [Section]"
        key, equals, value = line.partition("=")
        assert equals and re.fullmatch(r"[A-Za-z]+", key.strip()), f"{path.name}:{number}: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    assert not carried, f"{path.name}: ends inside a continued line"
    return sections


def one(unit: dict, section: str, key: str) -> str:
    values = unit.get(section, {}).get(key, [])
    assert len(values) == 1, f"[{section}] {key}: {values}"
    return values[0]


def words(values: list[str]) -> list[str]:
    """Space-separated settings (ReadWritePaths=) given on one line or several."""
    return [word for value in values for word in value.split()]


def command_line(value: str) -> list[str]:
    """An Exec line as systemd hands it to the program: %% is %, $$ is $, words split with
    quotes. No other specifier and no $VARIABLE are used (they would need the running unit)."""
    assert not re.search(r"%[^%]", value.replace("%%", "")), f"a specifier in {value}"
    assert not re.search(r"(?<!\$)\$(?:\{|[A-Za-z_])", value.replace("$$", "")), value
    argv = shlex.split(value.replace("%%", "%").replace("$$", "$"))
    return [argv[0].lstrip("-@:+!"), *argv[1:]]


def migrex_arguments(argv: list[str]) -> list[str] | None:
    """The arguments a line gives `migrex`, directly or through `/bin/sh -c '… migrex …'` (run,
    with `migrex` replaced by ECHO, so that the shell's own expansions take place); None when the
    line does not run `migrex`."""
    if argv[0] == MIGREX:
        return argv[1:]
    if argv[:2] == ["/bin/sh", "-c"] and MIGREX in argv[2]:
        stand_in = f"{shlex.quote(sys.executable)} -c {shlex.quote(ECHO)}"
        done = subprocess.run(
            ["/bin/sh", "-c", argv[2].replace(MIGREX, stand_in)],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return json.loads(done.stdout)
    return None


def settings_of_example() -> dict[str, tuple[str, bool]]:
    """NAME → (value, set): each setting the example names, set or commented out."""
    found = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"(#?)([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            found[match[2]] = (match[3], not match[1])
    return found


def readme_settings() -> set[str]:
    """The variables of the README's table (as migrex/core/tests/test_docs.py reads it)."""
    table = (ROOT / "README.md").read_text(encoding="utf-8")
    return {
        name
        for row in re.findall(r"^\| (`.*?`) \|", table, flags=re.M)
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row)
    }


def seconds(text: str) -> float:
    """A systemd time span such as 30s, 3min, 1h 30min."""
    units = {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", text)
    assert parts and all(unit in units for _, unit in parts), text
    return sum(float(n) * units[unit] for n, unit in parts)


# --- the units ---------------------------------------------------------------------------------


def test_the_units_are_there():
    names = {p.name for p in UNITS}
    assert {"migrex-server.service", "migrex-worker.service"} <= names, names
    assert {"migrex-audit-checkpoint.timer", "migrex-backup.timer"} <= names, names


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_each_service_runs_as_the_node_with_its_settings_and_hardened(path):
    unit = parse_unit(path)
    service = unit["Service"]
    assert one(unit, "Unit", "Description")
    assert one(unit, "Service", "User") == one(unit, "Service", "Group") == "migrex"
    assert one(unit, "Service", "EnvironmentFile") == ENV_FILE
    for key, value in HARDENING.items():
        assert service.get(key, [None])[-1] == value, f"{path.name}: {key}={value}"
    writable = words(service.get("ReadWritePaths", []))
    data_dir = settings_of_example()["MIGREX_DATA_DIR"][0]
    assert data_dir in writable, f"{path.name} may not write MIGREX_DATA_DIR {data_dir}"
    assert one(unit, "Service", "WorkingDirectory") in writable
    assert any(service.get(key) for key in EXEC_KEYS), f"{path.name} runs nothing"


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_every_migrex_command_of_the_units_exists_and_takes_its_arguments(path):
    unit = parse_unit(path)
    writable = words(unit["Service"].get("ReadWritePaths", []))
    commands = get_commands()
    ran = 0
    for key in EXEC_KEYS:
        for value in unit["Service"].get(key, []):
            argv = command_line(value)
            assert argv[0].startswith("/"), f"{path.name}: {key} needs an absolute path"
            arguments = migrex_arguments(argv)
            if arguments is None:
                # Another program (find) may only touch what the unit may write.
                targets = [a for a in argv[1:] if a.startswith("/")]
                assert all(any(t.startswith(w) for w in writable) for t in targets), value
                continue
            ran += 1
            name, rest = arguments[0], arguments[1:]
            assert name in commands, f"{path.name}: `migrex {name}` is no command"
            command = load_command_class(commands[name], name)
            parser = command.create_parser("migrex", name)
            options = vars(parser.parse_args(rest))  # CommandError if it refuses them
            written = options.get("file") if name == "backup" else None
            if written is not None:
                assert any(str(written).startswith(w + "/") for w in writable), written
                assert re.fullmatch(r"migrex-\d{4}-\d\d-\d\dT\d{4}\.mxb", written.name), written
    assert ran, f"{path.name} runs no migrex command"


def test_the_long_running_services_restart_and_the_worker_can_finish_a_delivery():
    for path in SERVICES:
        unit = parse_unit(path)
        if path.name in LONG_RUNNING:
            assert one(unit, "Service", "Type") == "simple"
            assert one(unit, "Service", "Restart") == "on-failure"
            assert one(unit, "Install", "WantedBy") == "multi-user.target"
        else:
            assert one(unit, "Service", "Type") == "oneshot", path.name
            assert "Restart" not in unit["Service"] and "Install" not in unit, path.name
    worker = parse_unit(CONTRIB / "systemd" / "migrex-worker.service")
    # A batch POST to a peer is tried twice, each try waiting up to the client's timeout.
    assert seconds(one(worker, "Service", "TimeoutStopSec")) >= 2 * Http().timeout
    assert command_line(one(worker, "Service", "ExecStart")) == [MIGREX, "worker"]


def test_each_timer_starts_a_oneshot_service_and_each_oneshot_service_has_a_timer():
    oneshots = {p.stem for p in SERVICES if p.name not in LONG_RUNNING}
    assert {p.stem for p in TIMERS} == oneshots
    for path in TIMERS:
        timer = parse_unit(path)
        assert "Unit" not in timer["Timer"], "a timer starts the service of its own name"
        assert one(timer, "Timer", "OnCalendar")
        assert one(timer, "Timer", "Persistent") == "true", "runs missed while off are made up"
        assert one(timer, "Install", "WantedBy") == "timers.target"


def test_the_server_listens_where_the_nginx_site_proxies_and_believes_that_proxy():
    server = parse_unit(CONTRIB / "systemd" / "migrex-server.service")
    arguments = migrex_arguments(command_line(one(server, "Service", "ExecStart")))
    assert arguments[0] == "serve"
    parser = load_command_class("migrex.shell", "serve").create_parser("migrex", "serve")
    options = parser.parse_args(arguments[1:])
    upstream = re.search(
        r"upstream migrex_node \{\s*server ([\d.]+):(\d+);", NGINX_SITE.read_text()
    )
    assert upstream, "the nginx site's upstream is not where this test looks for it"
    assert (options.host, options.port) == (upstream[1], int(upstream[2]))
    assert settings_of_example()["MIGREX_TRUSTED_PROXY"] == (options.host, True)


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze here")
def test_systemd_analyze_verifies_the_units(tmp_path):
    """The units as systemd itself reads them; the venv's path replaced by this one's, since
    systemd-analyze also checks that each program exists."""
    here = Path(sys.executable).parent / "migrex"
    if not here.exists():
        pytest.skip("the migrex command is not installed beside this Python")
    for path in UNITS:
        (tmp_path / path.name).write_text(path.read_text().replace(MIGREX, str(here)))
    done = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    said = [line for line in (done.stdout + done.stderr).splitlines() if "migrex-" in line]
    assert done.returncode == 0 and not said, done.stdout + done.stderr


# --- the settings file and the wrapper ---------------------------------------------------------


def test_every_setting_of_the_example_is_one_the_readme_lists():
    example = settings_of_example()
    unknown = sorted(set(example) - readme_settings())
    assert not unknown, f"not in the README's table: {unknown}"
    unset = sorted(name for name in REQUIRED if not example.get(name, ("", False))[1])
    assert not unset, f"the example must set: {unset}"


def test_the_wrapper_runs_the_units_migrex_with_their_settings():
    text = WRAPPER.read_text(encoding="utf-8")
    assert WRAPPER.stat().st_mode & 0o111, "the wrapper is executable"
    assert text.startswith("#!/bin/sh\n")
    assert f"{MIGREX} " in text and f"EnvironmentFile={ENV_FILE}" in text
    assert "--uid=migrex" in text and "--working-directory=/var/lib/migrex" in text
