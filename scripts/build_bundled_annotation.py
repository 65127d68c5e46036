#!/usr/bin/env python3
"""Regenerate resources/GRCh38 and resources/GRCh37 from the PyPI-derived tables in shared/data.

    python scripts/build_bundled_annotation.py [--source ../shared/data/annotation]

The inputs and their licences are listed in resources/README.md.
"""

import argparse
import json
from pathlib import Path

from ntrkfusion.annotation.bundled import build_bundled

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared/data/annotation")
    parser.add_argument("--out", type=Path, default=ROOT / "resources")
    args = parser.parse_args()
    summary = build_bundled(args.source, args.out, ROOT / "resources/curated")
    print(json.dumps(summary, indent=2))
