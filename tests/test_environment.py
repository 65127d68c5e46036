"""Installs anywhere: the wheel outside the checkout, and the conda environment's pins.

The wheel test builds a wheel from this repository, installs it into a fresh virtual
environment together with exactly the libraries envs/ntrkfusion.yaml pins, and runs ``ntrkfusion
call`` and the whole workflow on the example from a folder outside the checkout.  It is the
nearest check of ``--sdm conda`` that works without conda channels: the same pinned libraries,
the same code.  The environment sees the system's packages, so that pins the test machine
already has are not downloaded again (pip installs only a pin that differs); that the code
imports nothing it does not declare is the pins test's job, read from the source.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "resources" / "example"
IMPORT_NAMES = {"yaml": "pyyaml"}  # import name -> distribution name, where they differ


def pinned() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "envs/ntrkfusion.yaml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return {Requirement(p).name.lower(): str(next(iter(Requirement(p).specifier)).version) for p in pip}


def declared() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {Requirement(d).name.lower(): Requirement(d) for d in project["dependencies"]}


def third_party_imports() -> set[str]:
    names = set()
    for path in [*(ROOT / "src").rglob("*.py"), *(ROOT / "scripts").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    local = {"ntrkfusion", "_setup", "__future__"}
    return {IMPORT_NAMES.get(n, n).lower() for n in names - local if n not in sys.stdlib_module_names}


def test_environment_pins_match_pyproject_and_the_imports():
    pins, deps, imports = pinned(), declared(), third_party_imports()
    assert imports <= set(deps), f"imported but not declared in pyproject.toml: {imports - set(deps)}"
    assert set(pins) == set(deps), f"pyproject.toml and envs/ntrkfusion.yaml differ: {set(pins) ^ set(deps)}"
    for name, version in pins.items():
        assert deps[name].specifier.contains(version), f"{name}=={version} is outside pyproject's {deps[name]}"


@pytest.mark.workflow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, cwd=tmp_path)  # fmt: skip
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py, bin_ = venv / "bin/python", venv / "bin"
    pins = [f"{name}=={version}" for name, version in pinned().items()]
    pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, *pins], check=True)
    subprocess.run([*pip, "--no-deps", *map(str, wheels.glob("*.whl"))], check=True)
    env = {**os.environ, "PATH": f"{bin_}:{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    work = tmp_path / "work"
    (work / "config").mkdir(parents=True)

    def run(*cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=work, env=env, timeout=900)

    where = run(str(py), "-c", "import ntrkfusion, sys; print(ntrkfusion.__file__)")
    assert where.stdout.startswith(str(venv)), where  # the installed copy, not the checkout
    called = run(str(bin_ / "ntrkfusion"), "call", str(EXAMPLE / "etv6_ntrk3.bam"), "--assay", "rna")
    assert called.returncode == 0, called.stderr
    assert "NM_001987.5(ETV6):e.5::NM_001012338.3(NTRK3):e.15" in called.stdout and "PASS" in called.stdout
    snakefile = run(str(bin_ / "ntrkfusion"), "snakefile").stdout.strip()
    assert snakefile.startswith(str(venv))
    rows = [line.split("\t") for line in (EXAMPLE / "samples.tsv").read_text().splitlines()]
    rows = [rows[0]] + [r for r in rows[1:] if r[0] in ("etv6_ntrk3", "dna_tpm3_ntrk1_20")]  # RNA and DNA
    for row in rows[1:]:
        row[1] = str(EXAMPLE / row[1])
        row[5] = str(EXAMPLE / row[5]) if len(row) > 5 and row[5] else ""
    (work / "config/samples.tsv").write_text("".join("\t".join(r) + "\n" for r in rows))
    (work / "config/config.yaml").write_text("samples: config/samples.tsv\n")
    flow = run(str(py), "-m", "snakemake", "-s", snakefile, "--cores", "2")
    assert flow.returncode == 0, flow.stderr[-3000:]
    results = {line.split("\t")[0]: line.split("\t")[2] for line in (work / "results/samples.tsv").read_text().splitlines()[1:]}
    assert results == {"etv6_ntrk3": "POSITIVE", "dna_tpm3_ntrk1_20": "POSITIVE"}
    log = (work / "logs/analyse_sample/etv6_ntrk3.log").read_text()
    assert f"({venv}" in log  # the jobs ran the installed code too
    assert "ntrkfusion results:" in flow.stderr  # the end-of-run summary
