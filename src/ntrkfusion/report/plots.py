"""Plots for the sample report, drawn with matplotlib as inline SVG (no network, deterministic)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..vocabulary import NTRK_GENES
from ..qc.flags import FAIL, PASS, WARN  # noqa: E402

plt.rcParams.update({"svg.hashsalt": "ntrkfusion", "svg.fonttype": "none", "font.size": 9})


def _svg(fig, plot_id: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    svg = text[text.index("<svg") :]
    return svg.replace("<svg ", f'<svg id="{plot_id}" class="plot" ', 1)


def exon_coverage(metrics: dict) -> str | None:
    """Mean unique depth per NTRK exon; the kinase-domain exons in red."""
    depths = metrics.get("ntrk_exon_depth") or {}
    if not depths:
        return None
    fig, axes = plt.subplots(1, 3, figsize=(10, 2.4), sharey=False)
    for ax, gene in zip(axes, NTRK_GENES):
        rows = depths.get(gene, [])
        first = (metrics.get("ntrk_first_kinase_exon") or {}).get(gene, 10**9)
        ax.bar([str(n) for n, _ in rows], [d for _, d in rows],
               color=["#c0392b" if n >= first else "#2e86c1" for n, _ in rows])  # fmt: skip
        ax.set_title(f"{gene} (red: kinase domain exons)", fontsize=9)
        ax.set_xlabel("exon")
        ax.tick_params(axis="x", labelsize=7)
    axes[0].set_ylabel("mean unique depth")
    return _svg(fig, "coverage-plot")


def imbalance(metrics: dict, threshold: float) -> str | None:
    """NTRK 3'/5' exon depth ratio per gene against the threshold (RNA)."""
    ratios = [metrics.get(f"{g}_3to5_ratio") for g in NTRK_GENES]
    if any(r is None for r in ratios):
        return None
    fig, ax = plt.subplots(figsize=(4, 2.2))
    ax.barh(list(NTRK_GENES), ratios, color=["#c0392b" if r >= threshold else "#7f8c8d" for r in ratios])
    ax.axvline(threshold, color="#000", linestyle="--", linewidth=1)
    ax.set_xlabel(f"3′/5′ exon depth ratio (dashed: {threshold:g}×)")
    ax.set_xscale("log")
    return _svg(fig, "imbalance-plot")


def fragment_lengths(metrics: dict, minimum: float) -> str | None:
    """Transcript-space fragment-length histogram (RNA) with the minimum median."""
    counts = metrics.get("fragment_length_histogram") or []
    if not counts or not sum(counts):
        return None
    fig, ax = plt.subplots(figsize=(4, 2.2))
    ax.bar([10 * i + 5 for i in range(len(counts))], counts, width=10, color="#2e86c1")
    ax.axvline(minimum, color="#c0392b", linestyle="--", linewidth=1)
    if metrics.get("median_fragment_length") is not None:
        ax.axvline(metrics["median_fragment_length"], color="#000", linewidth=1)
    ax.set_xlabel(f"fragment length, bp (black: median; red: {minimum:g} bp minimum)")
    ax.set_ylabel("fragments")
    return _svg(fig, "fragment-plot")


STATUS_COLOURS = {FAIL: "#c0392b", WARN: "#d68910", PASS: "#27ae60"}


def against_thresholds(checks: list[dict]) -> str | None:
    """Each thresholded metric (qc.json ``checks``) as a fraction of its threshold (1 = at it)."""
    rows = [c for c in checks if c.get("ratio") is not None and c["status"] in STATUS_COLOURS]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(5, 0.35 * len(rows) + 0.8))
    ax.barh([r["label"] for r in rows], [r["ratio"] for r in rows],
            color=[STATUS_COLOURS[r["status"]] for r in rows])  # fmt: skip
    ax.axvline(1.0, color="#000", linestyle="--", linewidth=1)
    ax.set_xlabel("value / threshold (dashed: the threshold; red: fails)")
    ax.invert_yaxis()
    return _svg(fig, "threshold-plot")
