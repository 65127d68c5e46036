rule cohort_report:
    """One page with every sample's result, sortable."""
    input:
        samples="results/samples.parquet",
        run_info="results/run_info.json",
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
        "../../scripts/cohort.py"


rule multiqc_content:
    """The results and QC metrics as a MultiQC custom-content section."""
    input:
        samples="results/samples.parquet",
        run_info="results/run_info.json",
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
        "../../scripts/cohort.py"
