"""The GitHub Actions workflows: linted by zizmor, schema-valid, least-privilege and pinned.

Everything here runs offline: zizmor with ``--offline``, check-jsonschema with its
vendored schema, and linkchecker on local files without ``--check-extern``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).parent.parent
WORKFLOWS = REPO / ".github" / "workflows"
PULL_REQUEST = WORKFLOWS / "pull-request.yml"
DEPLOY = WORKFLOWS / "deploy.yml"
ENRICH = WORKFLOWS / "enrich.yml"
REQUIREMENTS_CI = REPO / "requirements-ci.txt"
PR_TEMPLATE = REPO / ".github" / "PULL_REQUEST_TEMPLATE.md"

ALL_WORKFLOWS = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))

# `uses: owner/repo[/path]@<40 hex> # vX.Y.Z`, with nothing else on the line.
PINNED_USES = re.compile(
    r"^\s*(?:-\s+)?uses:\s+"
    r"(?P<action>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[^@\s]+)?)"
    r"@(?P<sha>[0-9a-f]{40})"
    r"\s+#\s+(?P<version>v\d+(?:\.\d+){0,2})\s*$"
)


# --- helpers -------------------------------------------------------------------------------------


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    """The `on:` block; PyYAML (YAML 1.1) reads the bare key `on` as True."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on or {}


def jobs(workflow: dict) -> dict[str, dict]:
    return workflow["jobs"]


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def all_steps(workflow: dict) -> Iterator[dict]:
    for job in jobs(workflow).values():
        yield from steps(job)


def run_text(workflow: dict) -> str:
    return "\n".join(step["run"] for step in all_steps(workflow) if "run" in step)


def step_using(job: dict, action: str) -> list[dict]:
    return [step for step in steps(job) if step.get("uses", "").split("@")[0] == action]


def step_index(job: dict, predicate) -> int:
    for index, step in enumerate(steps(job)):
        if predicate(step):
            return index
    raise AssertionError("no such step")


def assert_in_order(job: dict, *predicates) -> None:
    """Each step the predicates find exists, and they come in this order."""
    order = [step_index(job, predicate) for predicate in predicates]
    assert order == sorted(order), order


def runs(command: str):
    return lambda step: command in step.get("run", "")


def uses(action: str):
    return lambda step: step.get("uses", "").split("@")[0] == action


def tool(name: str) -> str:
    """A console script installed from requirements-ci.txt, next to this interpreter or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed: pip install -r requirements-ci.txt"
    return found


def offline_env() -> dict[str, str]:
    """The environment without any GitHub token, so no tool can be tempted online."""
    hidden = {"GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN"}
    return {key: value for key, value in os.environ.items() if key not in hidden} | {"NO_COLOR": "1"}


def test_the_workflows_exist():
    assert PULL_REQUEST.is_file()
    assert DEPLOY.is_file()
    assert ENRICH.is_file()
    assert set(ALL_WORKFLOWS) >= {PULL_REQUEST, DEPLOY, ENRICH}


# --- linters -------------------------------------------------------------------------------------


def run_tool(name: str, *arguments: str) -> str:
    """Run a linter offline; assert it succeeded and return what it printed."""
    result = subprocess.run(
        [tool(name), *arguments], capture_output=True, text=True, env=offline_env(), timeout=120, check=False
    )
    output = result.stdout + result.stderr
    print(output)
    assert result.returncode == 0, output
    return output


def test_zizmor_offline_reports_no_findings():
    # --strict-collection: a workflow zizmor cannot parse is an error, not a skipped file.
    output = run_tool("zizmor", "--offline", "--strict-collection", "--no-progress", "--color", "never", str(WORKFLOWS))
    assert "No findings to report" in output, output


@pytest.mark.parametrize("workflow", ALL_WORKFLOWS, ids=lambda path: path.name)
def test_workflow_matches_the_github_workflow_schema(workflow: Path):
    run_tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(workflow))


# --- triggers and pinning ------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", ALL_WORKFLOWS, ids=lambda path: path.name)
def test_no_pull_request_target(workflow: Path):
    assert "pull_request_target" not in workflow.read_text(encoding="utf-8")
    assert "pull_request_target" not in triggers(load(workflow))


@pytest.mark.parametrize("workflow", ALL_WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(workflow: Path):
    lines = [line for line in workflow.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines, "the workflow uses no action"
    for line in lines:
        assert PINNED_USES.match(line), f"not pinned as `owner/repo@<40 hex> # vX.Y.Z`: {line.strip()}"

    parsed = [step["uses"] for step in all_steps(load(workflow)) if "uses" in step]
    parsed += [job["uses"] for job in jobs(load(workflow)).values() if "uses" in job]
    assert len(parsed) == len(lines), "every `uses:` must be on a line of its own"
    for value in parsed:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[0-9a-f]{40}", value), value


def test_each_action_has_one_pin_across_workflows():
    pins: dict[str, set[tuple[str, str]]] = {}
    for workflow in ALL_WORKFLOWS:
        for line in workflow.read_text(encoding="utf-8").splitlines():
            match = PINNED_USES.match(line)
            if match:
                pins.setdefault(match["action"], set()).add((match["sha"], match["version"]))
    assert pins
    for action, found in pins.items():
        assert len(found) == 1, f"{action} is pinned differently across workflows: {sorted(found)}"


# --- permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", ALL_WORKFLOWS, ids=lambda path: path.name)
def test_permissions_are_empty_at_the_top_and_set_per_job(workflow: Path):
    parsed = load(workflow)
    assert parsed.get("permissions") == {}, "top-level `permissions: {}` grants nothing by default"
    for name, job in jobs(parsed).items():
        assert isinstance(job.get("permissions"), dict), f"job {name} must state its permissions"


def test_only_the_deploy_and_enrichment_pull_request_jobs_can_write():
    writers = []
    for workflow in ALL_WORKFLOWS:
        for name, job in jobs(load(workflow)).items():
            granted = job["permissions"]
            if any(level == "write" for level in granted.values()):
                writers.append((workflow.name, name, granted))
            else:
                assert granted == {"contents": "read"}, f"{workflow.name}:{name} has {granted}"
    assert sorted(writers) == [
        ("deploy.yml", "deploy", {"pages": "write", "id-token": "write"}),
        ("enrich.yml", "pull-request", {"contents": "write", "pull-requests": "write"}),
    ]


@pytest.mark.parametrize("workflow", ALL_WORKFLOWS, ids=lambda path: path.name)
def test_checkout_does_not_persist_credentials(workflow: Path):
    parsed = load(workflow)
    checkouts = [step for job in jobs(parsed).values() for step in step_using(job, "actions/checkout")]
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, step


# --- the pull-request workflow -------------------------------------------------------------------


def pr_job() -> dict:
    workflow_jobs = jobs(load(PULL_REQUEST))
    assert len(workflow_jobs) == 1
    return next(iter(workflow_jobs.values()))


def test_pull_request_workflow_runs_on_pull_requests_only():
    assert set(triggers(load(PULL_REQUEST))) == {"pull_request"}


def test_pull_request_workflow_sets_up_python_with_a_pip_cache_keyed_on_requirements():
    (setup,) = step_using(pr_job(), "actions/setup-python")
    settings = setup["with"]
    assert str(settings["python-version"]) == "3.11"
    assert settings["cache"] == "pip"
    keyed_on = settings["cache-dependency-path"].split()
    assert {"requirements.txt", "requirements-dev.txt", "requirements-ci.txt"} <= set(keyed_on)


def test_pull_request_workflow_installs_chromium_and_the_dev_requirements():
    commands = run_text(load(PULL_REQUEST))
    assert "apt-get update" in commands
    assert "apt-get install -y chromium" in commands
    assert "pip install -r requirements-dev.txt" in commands


def test_pull_request_workflow_checks_tests_builds_and_link_checks_in_order():
    assert_in_order(
        pr_job(),
        uses("actions/checkout"),
        uses("actions/setup-python"),
        runs("pip install -r requirements-dev.txt"),
        runs("python -m generator check"),
        runs("python -m pytest"),
        runs("mkdocs build --strict"),
        runs("linkchecker"),
        uses("actions/upload-artifact"),
    )


def link_check_command() -> list[str]:
    (step,) = [step for step in steps(pr_job()) if "linkchecker" in step.get("run", "")]
    argv = shlex.split(step["run"])
    assert argv[0] == "linkchecker", "the link check step runs linkchecker alone"
    return argv


def test_the_link_check_stays_internal():
    argv = link_check_command()
    assert "site/index.html" in argv
    assert "--check-extern" not in argv
    assert not any(arg.startswith("http") for arg in argv), "check the local files, not a server"


def test_the_built_site_is_uploaded_for_reviewers():
    (upload,) = step_using(pr_job(), "actions/upload-artifact")
    assert upload["with"]["path"].rstrip("/") == "site"
    assert upload["with"].get("if-no-files-found") == "error"


# --- the deploy workflow -------------------------------------------------------------------------


def test_deploy_runs_on_pushes_to_main_and_by_hand():
    on = triggers(load(DEPLOY))
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}


def test_deployments_queue_instead_of_cancelling_each_other():
    assert load(DEPLOY)["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_deploy_builds_then_publishes_to_pages():
    workflow_jobs = jobs(load(DEPLOY))
    assert set(workflow_jobs) == {"build", "deploy"}
    build, deploy = workflow_jobs["build"], workflow_jobs["deploy"]

    assert build["permissions"] == {"contents": "read"}
    assert "mkdocs build --strict" in "\n".join(step.get("run", "") for step in steps(build))
    (artifact,) = step_using(build, "actions/upload-pages-artifact")
    assert artifact["with"]["path"].rstrip("/") == "site"
    assert step_index(build, runs("mkdocs build --strict")) < step_index(build, uses("actions/upload-pages-artifact"))

    assert deploy["needs"] in ("build", ["build"])
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    (publish,) = step_using(deploy, "actions/deploy-pages")
    assert publish["id"] == "deployment"


def test_the_publishing_workflow_uses_no_cache():
    # A cache restored while publishing could have been written by a less trusted run.
    for step in all_steps(load(DEPLOY)):
        action = step.get("uses", "").split("@")[0]
        assert not action.startswith("actions/cache"), step
        assert "cache" not in step.get("with", {}), step


# --- the enrichment workflow ---------------------------------------------------------------------


def test_enrichment_runs_weekly_and_by_hand_one_run_at_a_time():
    workflow = load(ENRICH)
    on = triggers(workflow)
    assert set(on) == {"schedule", "workflow_dispatch"}
    (schedule,) = on["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit(), "once a week"
    assert workflow["concurrency"] == {"group": "enrich", "cancel-in-progress": False}


def test_enrichment_talks_to_the_apis_read_only_and_hands_over_a_patch():
    workflow_jobs = jobs(load(ENRICH))
    assert set(workflow_jobs) == {"enrich", "pull-request"}
    enrich = workflow_jobs["enrich"]
    assert enrich["permissions"] == {"contents": "read"}
    assert_in_order(
        enrich,
        uses("actions/checkout"),
        runs("pip install -r requirements.txt"),
        runs("python -m generator enrich"),
        runs("python -m generator check"),
        runs("git diff --cached"),
        uses("actions/upload-artifact"),
    )
    assert enrich["outputs"]["changed"] == "${{ steps.patch.outputs.changed }}"
    diff = next(step["run"] for step in steps(enrich) if "git diff --cached" in step.get("run", ""))
    assert "-- catalogue/papers sources/cache" in diff, "only records and kept answers go into the patch"


def test_the_writing_job_runs_no_project_code_and_applies_only_records_and_answers():
    job = jobs(load(ENRICH))["pull-request"]
    assert job["needs"] == "enrich" and job["if"] == "needs.enrich.outputs.changed == 'true'"
    commands = "\n".join(step.get("run", "") for step in steps(job))
    assert "python" not in commands and "pip" not in commands
    assert "git apply --include='catalogue/papers/*' --include='sources/cache/*'" in commands
    (create,) = step_using(job, "peter-evans/create-pull-request")
    assert create["with"]["add-paths"].split() == ["catalogue/papers", "sources/cache"]
    assert "token" not in create["with"], "the job's own GITHUB_TOKEN, with the job's permissions"
    assert step_index(job, runs("git apply")) < step_index(job, uses("peter-evans/create-pull-request"))


def test_the_enrichment_uses_no_cache():
    for step in all_steps(load(ENRICH)):
        assert not step.get("uses", "").startswith("actions/cache"), step
        assert "cache" not in step.get("with", {}), step


# --- requirements-ci.txt and the pull-request template -------------------------------------------


def test_ci_requirements_are_pinned():
    lines = [line.strip() for line in REQUIREMENTS_CI.read_text(encoding="utf-8").splitlines()]
    pins = dict(line.split("==") for line in lines if line and not line.startswith("#"))
    assert set(pins) == {"zizmor", "check-jsonschema", "linkchecker"}
    for name, version in pins.items():
        assert re.fullmatch(r"\d+(\.\d+)+", version), f"{name}=={version}"


def test_the_pull_request_template_has_the_checklist():
    text = PR_TEMPLATE.read_text(encoding="utf-8")
    assert "python -m generator check" in text
    assert text.count("- [ ]") >= 4


# --- the link check itself, on local files -------------------------------------------------------


@pytest.fixture
def readable_dir() -> Iterator[Path]:
    """A folder that every user can read: linkchecker run as root switches to `nobody` first."""
    with tempfile.TemporaryDirectory(prefix="linkcheck-") as name:
        folder = Path(name)
        folder.chmod(0o755)
        yield folder


def write_site(site: Path, extra_link: str = "") -> None:
    (site / "about").mkdir(parents=True)
    (site / "index.html").write_text(
        "<!doctype html><html><head><link rel='stylesheet' href='style.css'></head><body>"
        "<a href='about/'>About</a> <a href='about/index.html'>About again</a>"
        "<a href='https://unreachable.invalid/paper'>an external link, never contacted</a>"
        f"<a href='mailto:someone@unreachable.invalid'>mail</a>{extra_link}</body></html>",
        encoding="utf-8",
    )
    (site / "style.css").write_text("body { margin: 0; }\n", encoding="utf-8")
    (site / "about" / "index.html").write_text("<html><body><a href='../'>Home</a></body></html>", encoding="utf-8")
    for path in [site, *site.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def link_check(cwd: Path) -> subprocess.CompletedProcess:
    argv = link_check_command()
    return subprocess.run(
        [tool(argv[0]), *argv[1:]], cwd=cwd, capture_output=True, text=True, env=offline_env(), timeout=120, check=False
    )


def test_the_link_check_passes_a_sound_site_without_contacting_external_hosts(readable_dir: Path):
    # The external link's host cannot resolve: had linkchecker tried it, the check would fail.
    write_site(readable_dir / "site")
    result = link_check(readable_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors found" in result.stdout


def test_the_link_check_fails_on_a_broken_internal_link(readable_dir: Path):
    write_site(readable_dir / "site", extra_link="<a href='papers/no-such-paper/'>gone</a>")
    result = link_check(readable_dir)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "papers/no-such-paper/" in result.stdout
    assert "1 error found" in result.stdout


def test_the_link_check_passes_the_built_fixture_site(mini_site: Path, readable_dir: Path):
    shutil.copytree(mini_site, readable_dir / "site")
    for path in [readable_dir / "site", *(readable_dir / "site").rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    result = link_check(readable_dir)
    assert result.returncode == 0, result.stdout + result.stderr
