"""`migrex demo`: two nodes on this machine — Kazakhstan and Belarus under the 2019 agreement —
each with its own SQLite database, web server and delivery worker, exchanging over real HTTP.

    migrex demo                 set up (once) and run both nodes until Ctrl-C; prints the logins
    migrex demo --scenario      drive a whole exchange through both nodes' APIs in temporary
                                directories and exit 0 only if every message arrived
"""

from __future__ import annotations

import argparse
import signal
import time
from pathlib import Path

from migrex.shell import scenario
from migrex.shell.nodes import pair


def _totp_keys(data_dir: Path) -> dict[str, str]:
    """The demo officers' TOTP keys (written by demo_setup)."""
    path = data_dir / "demo-totp.txt"
    lines = path.read_text().splitlines() if path.exists() else []
    return dict(line.split(" ", 1) for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="migrex demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scenario", action="store_true", help="run the scripted exchange")
    parser.add_argument("--data-dir", default="var/demo", help="where the nodes keep their files")
    parser.add_argument("--ports", default="8000,8001", help="KZ and BY web ports")
    args = parser.parse_args(argv)
    if args.scenario:
        return scenario.run()

    # Stop the same way on Ctrl-C and on SIGTERM (a service manager, `timeout`, a CI runner).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    ports = tuple(int(p) for p in args.ports.split(","))
    print("Preparing the Kazakhstan and Belarus nodes…", flush=True)
    kz, by = pair(Path(args.data_dir).resolve(), ports=ports)
    try:
        for node in (kz, by):
            node.start()
        for node, title in ((kz, "Казахстан / Kazakhstan"), (by, "Беларусь / Belarus")):
            print(f"\n{title}: {node.url}/   (data: {node.data_dir})")
            keys = _totp_keys(node.data_dir)
            for username, password in node.logins.items():
                key = f"   TOTP key {keys[username]}" if username in keys else ""
                print(f"  {username:<16} {password}{key}")
        print(
            "\nSignatories and administrators then enter a one-time code: add the TOTP key to an"
            "\nauthenticator app, or print the current code with"
            "\n  oathtool --totp -b KEY      or      .venv/bin/python -m migrex.accounts.totp KEY"
            "\n\nA request written and signed on one node arrives on the other within a second."
            "\nCtrl-C stops both nodes.",
            flush=True,
        )
        while all(p.poll() is None for n in (kz, by) for p in n.procs.values()):
            time.sleep(0.5)
        print("migrex demo: a node process exited; stopping.", flush=True)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        kz.stop()
        by.stop()
        print("migrex demo: stopped.", flush=True)
