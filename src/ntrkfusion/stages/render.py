"""The rendering stage: the reads behind the candidates that bear on the result
(supporting_reads.bam) and the sample's sign-out report (report.html), from the stages' records
in memory."""

from __future__ import annotations

import pysam

from ..annotation import Annotation
from ..records import SampleResult
from ..config import interpretation_texts, with_defaults
from ..report.html import LabText, sample_report
from ..report.reads import write_supporting_reads
from .assess import qc_settings, required_support
from .call import Called
from .layout import SampleFiles


def render(result: SampleResult, called: Called, bam: pysam.AlignmentFile, ann: Annotation, config: dict,
           files: SampleFiles) -> None:  # fmt: skip
    long_reads = called.info.long_reads  # a read is a whole molecule: the report shows each one's exon path
    reads = write_supporting_reads(bam, called.evidence, called.fusions, files.reads, ann if long_reads else None)
    lab = LabText(interpretation_texts(config.get("interpretation")), required_support(result.assay, config),
                  with_defaults(config)["ntrk_padding"])  # fmt: skip
    sample_report(result, called.fusions, ann, files.report, qc_settings(config), reads=reads,
                  reference=config.get("reference") or None, lab=lab)  # fmt: skip
