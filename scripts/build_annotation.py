"""Snakemake entry point: annotation tables from the lab's GTF (config annotation_gtf)."""

from _setup import job

from ntrkfusion.annotation.gtf import build_from_gtf
from ntrkfusion.paths import RESOURCES

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    build_from_gtf(
        smk.input.gtf,
        smk.params.out_dir,
        smk.wildcards.build,
        RESOURCES / "curated/ntrk_kinase_domains.tsv",
        RESOURCES / "GRCh38",
    )
