"""Snakemake entry point: annotation tables from the lab's GTF (config annotation_gtf)."""

from _setup import job

from ntrkfusion.stages import prepare

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    prepare.annotation(smk.input.gtf, smk.params.out_dir, smk.wildcards.build)
