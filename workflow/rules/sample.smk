rule analyse_sample:
    """Open one sample's checked BAM once: find the reads that tell of an NTRK fusion, cluster
    and annotate the candidates, measure the material, decide POSITIVE, NEGATIVE or INDETERMINATE,
    keep the supporting reads and draw the report (ntrkfusion.stages.sample)."""
    input:
        unpack(sample_inputs),
    output:
        info=sample_file("bam_info"),
        evidence=sample_file("evidence"),
        parquet=sample_file("fusions"),
        tsv=sample_file("fusions_tsv"),
        vcf=sample_file("vcf"),
        tbi=sample_file("vcf_index"),
        qc=sample_file("qc"),
        reads=sample_file("reads"),
        reads_index=sample_file("reads_index"),
        html=report(
            sample_file("report"),
            caption="../report/sample.rst",
            category="Samples",
            labels={"sample": "{sample}"},
        ),
    log:
        "logs/analyse_sample/{sample}.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=30,
    params:
        settings=SETTINGS,
        sample=sample_params,
        checked=checked_params,
        annotation=CUSTOM_ANNOTATION_DIR,
    script:
        "../../scripts/analyse_sample.py"
