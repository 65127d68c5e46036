"""Snakemake entry point: call one sample -> evidence.parquet, fusions.parquet, fusions.tsv."""

from _setup import job

from ntrkfusion.calling.stage import call_to_files

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    call_to_files(
        smk.input.bam,
        smk.wildcards.sample,
        smk.params.assay,
        smk.params.annotation,
        smk.config,
        dict(evidence=smk.output.evidence, parquet=smk.output.parquet, tsv=smk.output.tsv),
        reference=smk.params.reference or None,
        boundaries=smk.input.get("boundaries") or None,
    )
