"""The build benchmark: ``python -m benchmarks.bench --papers N [--repeat R] [--keep DIR] [--json FILE]``.

What a build costs at a given catalogue size, each stage in a fresh process, through the public
commands only:

1. a temporary project: the real site configuration and the real catalogue (``--papers 0``) or N
   papers recombined from it (:mod:`benchmarks.synthesise`);
2. load + generate: ``python -m generator pages --out TREE --config-out standalone.yml`` writes the
   complete docs tree;
3. MkDocs alone, the baseline: ``mkdocs build --strict`` on that tree with the copy of ``mkdocs.yml``
   that ``pages --config-out`` writes: ``docs_dir`` the tree, no ``catalogue`` plugin (Material's
   search stays);
4. Pagefind alone: ``python -m generator search`` over the baseline's site;
5. the whole build: ``mkdocs build --strict`` with the plugin (load, generate, MkDocs, Pagefind);
6. the site alone: the same with ``CATALOGUE_SEARCH=off`` (load, generate, MkDocs). With Pagefind
   alone after it, that is the build in two steps, whose peak is the larger of the two: MkDocs' pages
   and Pagefind's index are never in memory at once.

Each stage reports its wall time (the fastest of ``--repeat`` runs: on a shared machine noise only
adds time) and the peak resident memory of its processes together (:mod:`benchmarks.bench_memory`).
The report adds the whole build's ratio to MkDocs alone and the built site's bytes per paper.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_memory import TreeMemorySampler
from benchmarks.synthesise import DEFAULT_SEED, synthesise_notes, synthesise_papers, write_catalogue
from generator.records.catalogue import TOPICS_FILE, read_records

REPO = Path(__file__).resolve().parent.parent
# The site configuration, what docs/contributing.md includes, and the generator itself: every command
# runs in the project folder, so Python imports this copy, and a run measures one snapshot of the code
# even while the checkout is being edited.
SITE_SOURCES = ("mkdocs.yml", "docs", "overrides", "CONTRIBUTING.md", "generator")
BASELINE_CONFIG = "standalone.yml"  # mkdocs.yml without the plugin, written by ``generator pages --config-out``
STAGES = ("load_generate", "mkdocs_alone", "pagefind_alone", "whole_build", "site_only")
LABELS = {
    "load_generate": "load + generate (`python -m generator pages`)",
    "mkdocs_alone": "MkDocs alone on the generated tree (baseline)",
    "pagefind_alone": "Pagefind alone (`python -m generator search`)",
    "whole_build": "whole build (`mkdocs build --strict`, plugin)",
    "site_only": "site only (`CATALOGUE_SEARCH=off mkdocs build --strict`)",
}
STAGE_ENVIRONMENT = {"site_only": {"CATALOGUE_SEARCH": "off"}}


def make_project(root: Path, target: Path, *, papers: int, seed: int = DEFAULT_SEED) -> dict:
    """A project folder with the site sources, the generator and ``papers`` synthetic papers (0: the real
    catalogue); how many papers and notes it has."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SITE_SOURCES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    if papers == 0:
        shutil.copytree(root / "catalogue", target / "catalogue")
        count = len(list((target / "catalogue" / "papers").glob("*.yml")))
        notes = len(list((target / "catalogue").glob("notes/*.md")))
        return {"papers": count, "notes": notes}
    real, problems = read_records(root)
    if problems:
        raise SystemExit(f"bench: the real catalogue has problems:\n{problems[0]}")
    synthetic = synthesise_papers(real, papers, seed=seed)
    note_files = synthesise_notes(synthetic, seed=seed)
    write_catalogue(target, synthetic, note_files, (root / TOPICS_FILE).read_text(encoding="utf-8"))
    return {"papers": len(synthetic), "notes": len(note_files)}


def environment(extra: dict | None = None) -> dict:
    """Subprocess environment: ``python -m`` in the project folder imports the project's copy of the
    generator first (the current folder leads ``sys.path``); MkDocs' plugin entry point finds it there too."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(extra or {})}


def run_measured(command: list[str], *, cwd: Path, env: dict | None = None) -> dict:
    """Run ``command``: its wall seconds and its peak memory in MB.

    The peak is the highest sum over the process tree, sampled ten times a second, or the largest
    single process's exact peak (``ru_maxrss`` from ``wait4``) if that is higher: a short run can end
    between two samples.
    """
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=environment(env), stdout=output, stderr=subprocess.STDOUT)
        sampler = TreeMemorySampler(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        sampled_mb = sampler.stop() or 0.0
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            text = output.read().decode("utf-8", errors="replace")[-3000:]
            raise SystemExit(f"bench: {' '.join(command)} failed ({process.returncode}):\n{text}")
    peak_mb = max(sampled_mb, usage.ru_maxrss / 1024)  # Linux reports ru_maxrss in KiB
    return {"seconds": round(seconds, 2), "peak_mb": round(peak_mb, 1)}


def stage_commands(project: Path, work: Path) -> dict[str, list[str]]:
    """The command of every stage, in the order they run."""
    python = sys.executable
    baseline_site = work / "site-baseline"
    return {
        "load_generate": [
            python, "-m", "generator", "pages", "--out", str(work / "tree"), "--config-out", BASELINE_CONFIG,
        ],
        "mkdocs_alone": [
            python, "-m", "mkdocs", "build", "--strict", "-f", BASELINE_CONFIG, "--site-dir", str(baseline_site),
        ],
        "pagefind_alone": [python, "-m", "generator", "search", str(baseline_site)],
        "whole_build": [python, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site")],
        "site_only": [python, "-m", "mkdocs", "build", "--strict", "--site-dir", str(work / "site-only")],
    }  # fmt: skip


def site_size(site: Path) -> dict:
    """Bytes and files of a built site."""
    files = [path for path in site.rglob("*") if path.is_file()]
    return {"bytes": sum(path.stat().st_size for path in files), "files": len(files)}


def run(root: Path, *, papers: int, repeat: int = 1, keep: Path | None = None, seed: int = DEFAULT_SEED) -> dict:
    """Every measurement for one catalogue size; prints nothing."""
    if keep and keep.exists():
        if any(keep.iterdir()) and not (keep / "project" / "mkdocs.yml").is_file():  # never empty another folder
            raise SystemExit(f"bench: {keep} is not empty and not kept by an earlier run; choose another folder")
        shutil.rmtree(keep)
    work = keep or Path(tempfile.mkdtemp(prefix="catalogue-bench-"))
    project = work / "project"
    results: dict = {**make_project(root, project, papers=papers, seed=seed), "revision": revision(root)}
    commands = stage_commands(project, work)
    runs: dict[str, list[dict]] = {stage: [] for stage in STAGES}
    for _ in range(repeat):  # the stages in turn, so a burst of noise spreads over all of them
        for stage in STAGES:
            runs[stage].append(run_measured(commands[stage], cwd=project, env=STAGE_ENVIRONMENT.get(stage)))
    results["stages"] = {
        stage: {
            "seconds": min(measurement["seconds"] for measurement in measured),
            "peak_mb": max(measurement["peak_mb"] for measurement in measured),
            "runs": [measurement["seconds"] for measurement in measured],
        }
        for stage, measured in runs.items()
    }
    stages = results["stages"]
    results["ratio"] = round(stages["whole_build"]["seconds"] / stages["mkdocs_alone"]["seconds"], 2)
    results["two_steps"] = {
        "seconds": round(stages["site_only"]["seconds"] + stages["pagefind_alone"]["seconds"], 2),
        "peak_mb": max(stages["site_only"]["peak_mb"], stages["pagefind_alone"]["peak_mb"]),
    }
    results["site"] = site_size(project / "site")
    results["bytes_per_paper"] = round(results["site"]["bytes"] / max(results["papers"], 1))
    results["machine"] = machine()
    results["date"] = time.strftime("%Y-%m-%d")
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    results["work"] = str(work) if keep else None
    return results


def revision(root: Path) -> str:
    """The checkout's commit, "+ changes" when its working tree differs from it."""

    def git(*arguments: str) -> str:
        result = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, check=False)
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "no git commit"
    return commit + (" + changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine() -> str:
    """CPU model, cores and memory, for the report's first line."""
    model, memory = "unknown CPU", ""
    if Path("/proc/cpuinfo").exists():
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text(errors="replace"))
        model = found.group(1).strip() if found else model
    if Path("/proc/meminfo").exists():
        found = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
        memory = f", {int(found.group(1)) / 1024**2:.0f} GiB" if found else ""
    return f"{model}, {os.cpu_count()} cores{memory}, Python {sys.version.split()[0]}"


def format_report(results: dict) -> str:
    """The Markdown table the performance page shows."""
    lines = [
        f"{results['papers']} papers ({results['notes']} notes) · {results['date']} · {results['revision']}"
        f" · {results['machine']}",
        "",
        "| stage | wall s (fastest) | every run, s | peak MB, all processes |",
        "|---|---:|---:|---:|",
    ]
    for stage in STAGES:
        figures = results["stages"][stage]
        runs = ", ".join(f"{seconds:.2f}" for seconds in figures["runs"])
        lines.append(f"| {LABELS[stage]} | {figures['seconds']:.2f} | {runs} | {figures['peak_mb']:.0f} |")
    stages, site = results["stages"], results["site"]
    parts = sum(stages[stage]["seconds"] for stage in STAGES[:3])
    lines += [
        "",
        f"Whole build / MkDocs alone: {results['ratio']:.2f}x (budget: at most 2x at 5,000 and 20,000 papers).",
        f"The three stages apart add up to {parts:.2f} s;"
        f" the whole build takes {stages['whole_build']['seconds']:.2f} s.",
        f"Whole build: {stages['whole_build']['seconds']:.0f} s and {stages['whole_build']['peak_mb']:.0f} MB at peak"
        " (budget at 20,000 papers: under 300 s and 3,000 MB).",
        f"In two steps (site only, then Pagefind alone): {results['two_steps']['seconds']:.0f} s"
        f" and {results['two_steps']['peak_mb']:.0f} MB at peak.",
        f"Output: {site['bytes'] / 1e6:.1f} MB in {site['files']} files,"
        f" {results['bytes_per_paper'] / 1024:.1f} KB per paper.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=0, help="synthetic papers (default 0: the real catalogue)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of every stage; the fastest is shown")
    parser.add_argument("--keep", help="keep the project, tree and sites in this folder (a kept one is emptied)")
    parser.add_argument("--json", help="also write every figure to this JSON file")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the synthetic catalogue's seed")
    parser.add_argument("--root", default=str(REPO), help="the project to measure (default: this checkout)")
    arguments = parser.parse_args(argv)
    if arguments.papers < 0 or arguments.repeat < 1:
        parser.error("--papers must be 0 or more and --repeat 1 or more")
    keep = Path(arguments.keep).resolve() if arguments.keep else None
    results = run(
        Path(arguments.root).resolve(), papers=arguments.papers, repeat=arguments.repeat, keep=keep, seed=arguments.seed
    )
    print(format_report(results))
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
