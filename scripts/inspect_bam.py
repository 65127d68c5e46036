"""Snakemake entry point: check one sample's BAM and write results/{sample}/bam_info.json."""

from _setup import job

from ntrkfusion.inspect import describe_sample
from ntrkfusion.io import write_json
from ntrkfusion.samplesheet import Sample

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    p = smk.params
    record = describe_sample(
        Sample.from_dict(p.sample),
        p.annotation,
        p.padding,
        reference=p.reference or None,
        genome_build=p.genome_build,
        min_mapq=p.min_mapq,
        strict_identity=p.strict_identity,
    )
    write_json(record, smk.output.info)
