"""Snakemake entry point: what this run was -> results/run_info.json."""

import json
from pathlib import Path

from _setup import job

from ntrkfusion.io import write_json
from ntrkfusion.provenance import run_info

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    infos = [json.loads(Path(p).read_text()) for p in smk.input.infos]
    write_json(run_info(smk.config, {i["sample"]: i for i in infos}, dict(smk.params.annotations)), smk.output.json)
