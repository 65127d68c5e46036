"""Snakemake entry point: exon-boundary sequences of a build, read once from the reference."""

from _setup import job

from ntrkfusion.annotation import load_annotation
from ntrkfusion.calling.clips import boundary_table
from ntrkfusion.errors import UserError
from ntrkfusion.io import write_parquet_frame

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk) as log:
    table = boundary_table(load_annotation(smk.params.annotation), smk.input.reference)
    if table.empty:
        raise UserError(f"reference {smk.input.reference} has no sequence at any exon boundary of the "
                        f"{smk.wildcards.build} annotation: is it the genome the BAMs were aligned to?")  # fmt: skip
    log.info("%d exon-boundary sequences", len(table))
    write_parquet_frame(table, smk.output.table)
