"""Instructions per sighting, counted by callgrind: a figure the machine's load does not move.

    .venv/bin/python bench/instructions.py                          # shared profile, ~4 min
    .venv/bin/python bench/instructions.py --profile category --sightings 100

On a shared machine the wall clock of the same code moved by a third within an hour
(``bench/sighting.py``); callgrind counts the instructions a process runs, the same run
after run (within 0.01 %). Builds the catalogue as ``bench/sighting.py`` does (a fresh
SQLite file in a temporary folder, ``--shops`` x ``--items``), registers ``--shoppers``
shoppers with 3 wants and a kiosk per shop, then runs itself under ``valgrind
--tool=callgrind`` with the count off until the sightings start. That process loads the
index and remembers nothing of the wants (as a daphne worker that did not register them),
then makes ``--sightings`` sightings through Django's test client (middleware, DRF, the
view and everything after; not daphne), each shopper in turn at the kiosks of
``bench/sighting.py``'s order. Needs valgrind (``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the project, also when run as bench/instructions.py
from bench.common import django_in  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=("category", "shared"), default="shared")
    parser.add_argument("--shops", type=int, default=500)
    parser.add_argument("--items", type=int, default=400, help="stock items per shop")
    parser.add_argument("--shoppers", type=int, default=100)
    parser.add_argument("--sightings", type=int, default=200)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child's folder
    args = parser.parse_args(argv)
    if args.measure is not None:
        return measure(args.measure, args.sightings)
    if shutil.which("valgrind") is None:
        print("valgrind is missing: apt-get install valgrind")
        return 2
    work = Path(tempfile.mkdtemp(prefix="mall-instructions-"))
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> int:
    django_in(work)
    from django.core.management import call_command

    from bench import sighting

    call_command("migrate", verbosity=0)
    shops_csv, stock_csv, synonyms = work / "shops.csv", work / "stock.csv", work / "syn.txt"
    slugs = sighting.write_shops(shops_csv, args.shops)
    write = sighting.write_shared_stock if args.profile == "shared" else sighting.write_stock
    rows = write(stock_csv, slugs, args.items)
    call_command("import_shops", str(shops_csv), verbosity=0)
    sighting.write_synonyms(synonyms)
    call_command("import_synonyms", str(synonyms), verbosity=0)
    call_command("import_stock", str(stock_csv), verbosity=0)
    wants = sighting.shared_wants if args.profile == "shared" else None
    tokens = sighting.register_shoppers(args.shoppers, wants=wants)
    keys = sighting.create_kiosks()
    (work / "callers.json").write_text(json.dumps({"tokens": tokens, "keys": keys}))
    print(f"loaded ({args.profile}): {len(slugs)} shops, {rows} stock rows,", end=" ")
    print(f"{len(tokens)} shoppers x 3 wants; counting {args.sightings} sightings...")

    out = work / "callgrind.out"
    child = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--measure",
            str(work),
            "--sightings",
            str(args.sightings),
        ],
        env=os.environ,
        capture_output=True,
        text=True,
    )
    collected = re.search(r"Collected : (\d+)", child.stderr)
    if child.returncode != 0 or collected is None:
        print(child.stdout[-2000:], child.stderr[-2000:], sep="\n")
        return 1
    total = int(collected.group(1))
    print(f"profile: {args.profile}")
    print(f"instructions: {total:,} for {args.sightings} sightings,", end=" ")
    print(f"{total / args.sightings / 1e6:.1f} M a sighting")
    return 0


def measure(work: Path, count: int) -> int:
    """Under callgrind: load the index, then count ``count`` sightings."""
    django_in(work)
    from django.test import Client

    from matching.selectors import catalogue_current

    callers = json.loads((work / "callers.json").read_text())
    tokens, keys = callers["tokens"], callers["keys"]
    catalogue_current()
    client = Client()

    def sight(i: int) -> None:
        response = client.post(
            "/api/kiosk/sightings/",
            {"token": tokens[i % len(tokens)]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Api-Key {keys[(i * 7) % len(keys)]}",
        )
        if response.status_code != 200:
            raise RuntimeError(f"sighting answered {response.status_code}")

    sight(0)  # the first request's own start-up (imports, URL resolvers): not counted
    switch = ["callgrind_control", "--instr=on", str(os.getpid())]
    subprocess.run(switch, check=True, capture_output=True)
    for i in range(1, count + 1):
        sight(i)
    switch[1] = "--instr=off"
    subprocess.run(switch, check=True, capture_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
