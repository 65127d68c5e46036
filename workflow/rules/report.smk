rule sample_report:
    """Draw one sample's report: result, fusions to scale, QC against thresholds, limitations."""
    input:
        qc="results/{sample}/qc.json",
        fusions="results/{sample}/fusions.parquet",
    output:
        html=report(
            "results/{sample}/report.html",
            caption="../report/sample.rst",
            category="Samples",
            labels={"sample": "{sample}"},
        ),
    log:
        "logs/sample_report/{sample}.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        settings=SETTINGS["report"],
        annotation=get_annotation,
    script:
        "../../scripts/report.py"


rule cohort_report:
    """One page with every sample's result, sortable."""
    input:
        samples="results/samples.parquet",
    output:
        html=report(
            "results/report.html",
            caption="../report/cohort.rst",
            category="Cohort",
            labels={"report": "results"},
        ),
    log:
        "logs/cohort_report.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/report.py"


rule multiqc_content:
    """The results and QC metrics as a MultiQC custom-content section."""
    input:
        samples="results/samples.parquet",
    output:
        tsv="results/multiqc/ntrkfusion_mqc.tsv",
    log:
        "logs/multiqc_content.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/report.py"
