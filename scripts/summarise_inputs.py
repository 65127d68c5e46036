"""Snakemake entry point: one row per sample (build, naming, NTRK reads) -> results/inputs.tsv."""

from _setup import use_log

from ntrkfusion.inspect import summarise

smk = snakemake  # noqa: F821 (injected by Snakemake)
use_log(smk)
summarise(smk.input.infos, smk.output.tsv)
