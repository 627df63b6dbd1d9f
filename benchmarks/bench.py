"""The benchmark: ``python -m generator bench --papers 20000 [--keep DIR]``.

What a build costs at a given catalogue size, measured with public tools only:

1. synthesise N papers from the real records (:mod:`benchmarks.synthesise`) into a temporary
   project (``mkdocs.yml``, ``docs/``, ``overrides/`` and the synthetic ``catalogue/``);
2. time the engine-independent stages (``load_catalogue``, ``generate_site``) in a fresh process;
3. run the full production build (every plugin: ours, Material's search, whatever else
   ``mkdocs.yml`` lists) under ``/usr/bin/time -v`` with every plugin event timed
   (:mod:`generator.bench_build`);
4. run the baseline: MkDocs alone building the same generated Markdown pages, written into a
   plain ``docs/`` with the same theme, nav and Material search, and no plugin of ours;
5. print wall time, peak memory, output bytes and file count per stage, the overhead
   (full − baseline) and its ratio to the baseline, and the output per paper.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.bench_memory import TreeMemorySampler
from generator.records.catalogue import TOPICS_FILE, read_records
from benchmarks.synthesise import synthesise_notes, synthesise_papers, write_catalogue

REPO = Path(__file__).resolve().parent.parent
SITE_SOURCES = ("mkdocs.yml", "docs", "overrides", "CONTRIBUTING.md")  # docs/contributing.md includes the last
OUR_PLUGINS = ("catalogue",)  # dropped from the baseline's mkdocs.yml
TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)


def copy_site_sources(root: Path, target: Path) -> None:
    """Copy the site configuration (mkdocs.yml, docs/, overrides/, what docs include) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SITE_SOURCES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)


def make_project(root: Path, target: Path, *, papers: int, seed: int) -> dict:
    """A project folder with the real site configuration and ``papers`` synthetic papers (0: the real ones)."""
    copy_site_sources(root, target)
    start = time.perf_counter()
    if papers == 0:
        shutil.copytree(root / "catalogue", target / "catalogue")
        count = len(list((target / "catalogue" / "papers").glob("*.yml")))
        notes = len(list((target / "catalogue").glob("notes/*.md")))
    else:
        real, problems = read_records(root)
        if problems:
            raise SystemExit(f"bench: the real catalogue has problems:\n{problems[0]}")
        synthetic = synthesise_papers(real, papers, seed=seed)
        note_files = synthesise_notes(synthetic, seed=seed)
        write_catalogue(target, synthetic, note_files, (root / TOPICS_FILE).read_text(encoding="utf-8"))
        count, notes = len(synthetic), len(note_files)
    return {"papers": count, "notes": notes, "seconds": round(time.perf_counter() - start, 2)}


def environment() -> dict:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "NO_MKDOCS_2_WARNING": "1"}


def run_measured(command: list[str], *, cwd: Path, label: str) -> dict:
    """Run a command under ``/usr/bin/time -v``: wall seconds, the peak RSS (MB) of its largest single
    process (``peak_mb``, what time reports) and the peak of their sum (``tree_peak_mb``, sampled)."""
    with tempfile.NamedTemporaryFile(suffix=".time", delete=False) as handle:
        time_file = Path(handle.name)
    prefix = [TIME, "-v", "-o", str(time_file)] if TIME else []
    start = time.perf_counter()
    process = subprocess.Popen(
        prefix + command, cwd=cwd, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = TreeMemorySampler(process.pid)  # the sum over MkDocs, its children and Pagefind
    stdout, stderr = process.communicate()
    tree_peak_mb = sampler.stop()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        output = stdout[-3000:] + stderr[-3000:]
        raise SystemExit(f"bench: {label} failed ({process.returncode}):\n{output}")
    report = time_file.read_text(encoding="utf-8") if TIME else ""
    time_file.unlink(missing_ok=True)
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    if found:
        peak_mb = int(found.group(1)) / 1024
    else:  # no /usr/bin/time (Debian package "time"): the largest child so far, from the kernel
        import resource

        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(wall, 2), "peak_mb": round(peak_mb, 1), "tree_peak_mb": tree_peak_mb}


def site_usage(site: Path) -> dict[str, dict[str, int]]:
    """Bytes and files of a built site, by top-level folder (files at the top: "(top)")."""
    usage: dict[str, dict[str, int]] = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        parts = path.relative_to(site).parts
        group = parts[0] if len(parts) > 1 else "(top)"
        entry = usage.setdefault(group, {"bytes": 0, "files": 0})
        entry["bytes"] += path.stat().st_size
        entry["files"] += 1
    return usage


def baseline_config(config_file: Path, target: Path) -> None:
    """The same mkdocs.yml without our plugins (Material's search stays)."""
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    plugins = config.get("plugins", ["search"])
    kept = []
    for plugin in plugins:
        name = plugin if isinstance(plugin, str) else next(iter(plugin))
        if name not in OUR_PLUGINS:
            kept.append(plugin)
    config["plugins"] = kept
    target.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def measure_build(project: Path, *, events: Path, label: str) -> dict:
    """Build ``project`` (its mkdocs.yml into project/site) measured: time, memory, plugin events, output."""
    result = run_measured(
        [sys.executable, "-m", "generator.bench_build", "mkdocs.yml", str(project / "site"), str(events)],
        cwd=project,
        label=label,
    )
    result["events"] = json.loads(events.read_text(encoding="utf-8"))
    result["site"] = site_usage(project / "site")
    return result


def run(root: Path, *, papers: int, keep: Path | None, seed: int, baseline: bool = True, repeat: int = 1) -> dict:
    """Every measurement for one catalogue size; prints nothing.

    With ``repeat``, the full build and the baseline run that many times, one after the other in
    turn; the report shows the fastest run of each (on a shared machine noise only ever adds time)
    and every run's time.
    """
    work = keep or Path(tempfile.mkdtemp(prefix="catalogue-bench-"))
    if keep and keep.exists():
        shutil.rmtree(keep)
    project = work / "project"
    results: dict = {"synthesis": make_project(root, project, papers=papers, seed=seed)}
    results["papers"] = results["synthesis"]["papers"]
    stages_json, base = work / "stages.json", work / "baseline"
    results["stages_process"] = run_measured(
        [sys.executable, "-m", "generator.bench_stages", str(project), str(base / "docs"), str(stages_json)],
        cwd=project,
        label="generator stages",
    )
    results["stages"] = json.loads(stages_json.read_text(encoding="utf-8"))
    if baseline:
        shutil.copytree(project / "overrides", base / "overrides")
        shutil.copy2(project / "CONTRIBUTING.md", base / "CONTRIBUTING.md")
        baseline_config(project / "mkdocs.yml", base / "mkdocs.yml")
    runs: dict[str, list[dict]] = {"full": [], "baseline": []}
    for _ in range(repeat):
        runs["full"].append(measure_build(project, events=work / "full.json", label="full build"))
        if baseline:
            runs["baseline"].append(measure_build(base, events=work / "baseline.json", label="baseline build"))
    for name, measured in runs.items():
        if measured:
            results[name] = min(measured, key=lambda build: build["seconds"])
            results[f"{name}_seconds"] = [build["seconds"] for build in measured]
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    results["work"] = str(work) if keep else None
    return results


def machine() -> str:
    """CPU model, cores and memory, for the README's table."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text(encoding="utf-8", errors="replace"))
        model = found.group(1).strip() if found else model
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s*(\d+)", meminfo.read_text(encoding="utf-8"))
        memory = f", {int(found.group(1)) / 1024 / 1024:.0f} GiB" if found else ""
    return f"{model}, {os.cpu_count()} cores{memory}, Python {sys.version.split()[0]}"


def _row(name: str, seconds: float | None, peak: float | None = None, size: int | None = None, files=None) -> str:
    def cell(value: object, text: str) -> str:
        return text if value is not None else "-"

    return (
        f"| {name} | {cell(seconds, f'{seconds or 0:.2f}')} | {cell(peak, f'{peak or 0:.0f}')}"
        f" | {cell(size, f'{(size or 0) / 1e6:.1f}')} | {cell(files, str(files))} |"
    )


def _build_rows(label: str, build: dict, *, minimum: float) -> list[str]:
    site = build["site"]
    rows = [
        _row(
            f"**{label}**",
            build["seconds"],
            build["peak_mb"],
            sum(entry["bytes"] for entry in site.values()),
            sum(entry["files"] for entry in site.values()),
        )
    ]
    events = build["events"]
    for key, handler in sorted(events["handlers"].items(), key=lambda item: -item[1]["seconds"]):
        if handler["seconds"] >= minimum:
            rows.append(_row(f"&nbsp;&nbsp;{key} ({handler['calls']}×)", handler["seconds"]))
    rows.append(_row("&nbsp;&nbsp;MkDocs + theme, outside plugin handlers", events["mkdocs_own_seconds"]))
    return rows


def format_report(results: dict) -> str:
    """The Markdown table the README's performance section shows."""
    papers = results["papers"]
    lines = [
        f"{papers} papers ({results['synthesis']['notes']} notes) · {time.strftime('%Y-%m-%d')} · {machine()}",
        "",
        "| stage | wall s | peak MB | output MB | files |",
        "|---|---:|---:|---:|---:|",
    ]
    for stage in results["stages"]:
        name = f"generator: {stage['stage']}"
        lines.append(_row(name, stage["seconds"], stage["peak_mb"], stage.get("bytes"), stage.get("files")))
    minimum = 0.05
    lines += _build_rows("full build (mkdocs build --strict)", results["full"], minimum=minimum)
    if "baseline" in results:
        lines += _build_rows("baseline: MkDocs alone, same pages", results["baseline"], minimum=minimum)
    lines.append("")
    full_site = results["full"]["site"]
    total = sum(entry["bytes"] for entry in full_site.values())
    theme = full_site.get("assets", {}).get("bytes", 0)
    if "baseline" in results:
        overhead = results["full"]["seconds"] - results["baseline"]["seconds"]
        ratio = overhead / results["baseline"]["seconds"]
        lines.append(
            f"Overhead (full − baseline): {overhead:.2f} s = {ratio:.0%} of the baseline's"
            f" {results['baseline']['seconds']:.2f} s; peak memory {results['full']['peak_mb']:.0f} MB"
            f" vs {results['baseline']['peak_mb']:.0f} MB."
        )
    if len(results.get("full_seconds", [])) > 1:
        lines.append(
            "Runs, in order (the table shows the fastest of each): full "
            + ", ".join(f"{seconds:.2f}" for seconds in results["full_seconds"])
            + " s"
            + (
                "; baseline " + ", ".join(f"{seconds:.2f}" for seconds in results["baseline_seconds"]) + " s."
                if "baseline" in results
                else "."
            )
        )
    if results["full"].get("tree_peak_mb"):
        lines.append(
            f"Peak memory of the full build's processes together (MkDocs, related papers, Pagefind; sampled):"
            f" {results['full']['tree_peak_mb']:.0f} MB; the largest single process:"
            f" {results['full']['peak_mb']:.0f} MB."
        )
    ours = sum(
        handler["seconds"]
        for key, handler in results["full"]["events"]["handlers"].items()
        if key.split(".")[0] in OUR_PLUGINS
    )
    lines.append(
        f"Our plugin's own handlers: {ours:.2f} s"
        + (f" = {ours / results['baseline']['seconds']:.0%} of the baseline." if "baseline" in results else ".")
    )
    lines.append(
        f"Output per paper: {total / papers / 1024:.1f} KB for the whole site,"
        f" {(total - theme) / papers / 1024:.1f} KB without the theme's fixed assets/."
    )
    lines.append(
        "Site by folder: "
        + ", ".join(
            f"{name} {entry['bytes'] / 1e6:.1f} MB/{entry['files']} files"
            for name, entry in sorted(full_site.items(), key=lambda item: -item[1]["bytes"])
        )
    )
    return "\n".join(lines) + "\n"


def command_bench(arguments) -> int:  # noqa: ANN001 - argparse.Namespace from cli.py
    """``python -m generator bench``: measure, print the table, optionally keep everything."""
    root = Path(arguments.root).resolve()
    keep = Path(arguments.keep).resolve() if arguments.keep else None
    results = run(
        root,
        papers=arguments.papers,
        keep=keep,
        seed=arguments.seed,
        baseline=not arguments.no_baseline,
        repeat=arguments.repeat,
    )
    report = format_report(results)
    print(report)
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0
