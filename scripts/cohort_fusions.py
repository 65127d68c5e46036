"""Snakemake entry point: every sample's fusions -> results/fusions.parquet and .tsv."""

from _setup import use_log

from ntrkfusion.calling.stage import cohort

smk = snakemake  # noqa: F821 (injected by Snakemake)
use_log(smk)
cohort(smk.input.parquets, smk.output.parquet, smk.output.tsv)
