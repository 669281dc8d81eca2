"""The GitHub workflows: one source, pinned, injection-free, linted, and their scripts run locally.

The workflows a status repository needs (check, deploy, incident, ingest) live once, in
``generator/skeleton/dot-github/workflows/``; ``statusgen init`` writes them and
this repository's ``.github/workflows/`` holds identical copies.

The local runs execute the ``run:`` steps of a job in order, with ``bash
--noprofile --norc -eo pipefail`` (what ``shell: bash`` runs on GitHub), the
files and variables Actions provides (``GITHUB_OUTPUT``, ``GITHUB_ENV``,
``GITHUB_STEP_SUMMARY``, ...), and each step's ``env:`` with its ``${{ }}``
expressions replaced from a small dict.  Steps that ``uses:`` an action are
skipped, and so is the ``install`` step: statusgen is already on PATH (this
venv's).  One test runs it too, in a fresh venv whose only package index is a
folder without statusgen: what ``statusgen init`` wrote must install it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from statusgen import __version__
from statusgen import model as m
from statusgen.commands.init import init, skeleton_files
from statusgen.source.parse import parse_incident
from tests.helpers import REPO_ROOT, dedent
from tests.support.packages import FreshVenv, Wheelhouse, copy_source, copy_venv, run_checked
from tests.support.tools import missing_tool
from tests.support.validators import format_actionlint_findings, run_actionlint

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
SKELETON_WORKFLOWS = REPO_ROOT / "generator" / "skeleton" / "dot-github" / "workflows"
SHARED = ("check.yml", "deploy.yml", "incident.yml", "ingest.yml")
VENV_BIN = Path(sys.executable).parent
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$")


def load_workflow(path: Path) -> dict[str, Any]:
    raw: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    return {("on" if key is True else str(key)): value for key, value in raw.items()}


def all_workflows() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml"))


# --- one source, and the rules every workflow keeps ------------------------------------------

@pytest.mark.parametrize("name", SHARED)
def test_this_repositorys_workflows_are_the_skeletons(name: str) -> None:
    ours = (WORKFLOWS / name).read_bytes()
    assert ours == (SKELETON_WORKFLOWS / name).read_bytes(), (
        f".github/workflows/{name} differs from the skeleton, which is the one source: edit "
        f"generator/skeleton/dot-github/workflows/{name}, then copy it to .github/workflows/")


def test_init_writes_the_shared_workflows_and_not_tests_yml() -> None:
    written = {str(p) for p in skeleton_files() if str(p).startswith(".github/")}
    assert written == {f".github/workflows/{n}" for n in SHARED}
    assert (WORKFLOWS / "tests.yml").is_file()


def test_init_help_and_the_deploy_doc_name_every_workflow_init_writes() -> None:
    cli = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")  # init --help (test_docs)
    init_help = cli.split("## statusgen init\n", 1)[1].split("\n## ", 1)[0]
    listed = re.search(r"\.github/workflows/ \(([^)]*)\)", " ".join(init_help.split()))
    assert listed and listed[1].split(", ") == list(SHARED)
    deploy = " ".join((REPO_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8").split())
    said = re.search(r"`statusgen init` writes (\w+) workflows into `\.github/workflows/`: (.*?\.yml`)\.",
                     deploy)
    assert said, "docs/deploy.md must say how many workflows init writes, and which"
    numbers = {3: "three", 4: "four", 5: "five", 6: "six"}
    assert said[1] == numbers[len(SHARED)]
    assert re.findall(r"`([\w-]+\.yml)`", said[2]) == list(SHARED)


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if re.match(r"^\s*(?:-\s+)?uses:", line) and "uses: ./" not in line:
            assert PINNED.match(line), f"{path.name}:{number}: pin to a full SHA with `# vX.Y.Z`: {line}"


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_no_expression_inside_a_script_and_least_privilege(path: Path) -> None:
    workflow = load_workflow(path)
    assert "permissions" in workflow, f"{path.name}: set top-level permissions"
    assert workflow["permissions"] in ({}, {"contents": "read"}), workflow["permissions"]
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            if "run" in step:
                assert "${{" not in step["run"], (
                    f"{path.name}: job {job_id}, step {step.get('name')}: pass expressions "
                    "through `env:`, never into the script (template injection)")
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                pushes = any("git push" in s.get("run", "") for s in job["steps"])
                assert step["with"]["persist-credentials"] is pushes, (
                    f"{path.name}: job {job_id}: persist-credentials only where the job pushes")


def test_deploy_triggers_permissions_and_concurrency() -> None:
    deploy = load_workflow(WORKFLOWS / "deploy.yml")
    assert deploy["on"]["push"] == {"branches": ["main"]}
    assert deploy["on"]["schedule"] == [{"cron": "*/10 * * * *"}]
    assert "workflow_dispatch" in deploy["on"] and "workflow_call" in deploy["on"]
    # `inputs.ref` must exist for both triggers (actionlint 1.7 types `inputs` by trigger).
    dispatch_ref = deploy["on"]["workflow_dispatch"]["inputs"]["ref"]
    call_ref = deploy["on"]["workflow_call"]["inputs"]["ref"]
    assert (dispatch_ref["type"], dispatch_ref["default"]) == (call_ref["type"], call_ref["default"]) \
        == ("string", "")
    assert deploy["permissions"] == {"contents": "read"}
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    job = deploy["jobs"]["deploy"]
    assert job["permissions"] == {"pages": "write", "id-token": "write"}
    assert job["environment"] == {"name": "github-pages",
                                  "url": "${{ steps.deployment.outputs.page_url }}"}
    uses = {s["uses"].split("@")[0] for j in deploy["jobs"].values() for s in j["steps"] if "uses" in s}
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= uses


def test_deploy_notifies_after_the_site_is_live_and_only_pushes_the_log() -> None:
    deploy = load_workflow(WORKFLOWS / "deploy.yml")
    job = deploy["jobs"]["notify"]
    assert job["needs"] == ["build", "deploy"]  # links in the messages work when they arrive
    assert job["permissions"] == {"contents": "write"}
    # Runs the Incident and Ingest workflows call send too, one at a time, never two at once.
    assert "if" not in job
    assert job["concurrency"] == {"group": "statusgen-notify", "cancel-in-progress": False}
    checkout = job["steps"][0]
    assert checkout["with"]["ref"] == "${{ needs.build.outputs.commit }}"  # what was deployed
    assert deploy["jobs"]["build"]["outputs"] == {"commit": "${{ steps.built.outputs.commit }}"}
    [send] = [s for s in job["steps"] if s.get("name") == NOTIFY_STEP]
    assert "statusgen notify --log" in send["run"]
    assert 'git push --quiet origin "$commit:refs/heads/$LOG_BRANCH"' in send["run"]
    assert all(value == f"${{{{ secrets.{name} }}}}" for name, value in send["env"].items()
               if name != "LOG_BRANCH")


NOTIFY_STEP = "Send new updates and keep the send log"


def test_incident_workflow_writes_with_contents_write_and_calls_deploy() -> None:
    incident = load_workflow(WORKFLOWS / "incident.yml")
    inputs = incident["on"]["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"action", "id", "title", "impact", "components", "status", "message"}
    assert inputs["action"]["options"] == ["new", "update", "resolve"]
    # Both kinds' statuses (`resolved` is the `resolve` action), and by default none: an
    # update from a phone keeps the entry's status.
    status = inputs["status"]
    assert status["default"] == "unchanged"
    assert status["options"] == ["unchanged", *(s.value for s in m.Status if s is not m.Status.RESOLVED)]
    assert incident["permissions"] == {}
    assert incident["jobs"]["write"]["permissions"] == {"contents": "write"}
    deploy = incident["jobs"]["deploy"]
    assert deploy["uses"] == "./.github/workflows/deploy.yml"
    assert deploy["needs"] == "write"


@pytest.mark.parametrize("name", ["incident.yml", "ingest.yml"])
def test_workflows_that_commit_deploy_and_notify_at_once(name: str) -> None:
    deploy = load_workflow(WORKFLOWS / name)["jobs"]["deploy"]
    assert deploy["uses"] == "./.github/workflows/deploy.yml"
    # The notify job needs the channels' secrets, named one by one, and pushes only its log.
    called = load_workflow(WORKFLOWS / "deploy.yml")
    [send] = [s for s in called["jobs"]["notify"]["steps"] if s.get("name") == NOTIFY_STEP]
    used = set(send["env"]) - {"LOG_BRANCH"}
    assert set(called["on"]["workflow_call"]["secrets"]) == used
    assert deploy["secrets"] == {name: f"${{{{ secrets.{name} }}}}" for name in used}
    assert deploy["permissions"] == {"contents": "write", "pages": "write", "id-token": "write"}


def test_release_publishes_with_trusted_publishing_only() -> None:
    release = load_workflow(WORKFLOWS / "release.yml")
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {}
    jobs = release["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    publish = jobs["publish"]
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}  # and no other job may mint a token
    assert publish["environment"]["name"] == "pypi"
    assert [s["uses"].split("@")[0] for s in publish["steps"]] == [
        "actions/download-artifact", "pypa/gh-action-pypi-publish"]
    text = (WORKFLOWS / "release.yml").read_text(encoding="utf-8")
    assert "password" not in text and "secrets." not in text


def _dist(folder: Path, *names: str) -> Path:
    (folder / "dist").mkdir(parents=True)
    for name in names:
        (folder / "dist" / name).write_bytes(b"")
    return folder


@pytest.mark.parametrize(("tag", "ok"), [("v1.2.3", True), ("v1.2.4", False), ("v1.2", False)])
def test_release_refuses_a_tag_that_is_not_the_version(tag: str, ok: bool, tmp_path: Path) -> None:
    workspace = _dist(tmp_path / "work", "statusgen-1.2.3.tar.gz", "statusgen-1.2.3-py3-none-any.whl")
    step = "Check that the tag is the version built"
    run = run_job(WORKFLOWS / "release.yml", "build", workspace, {"github.ref_name": tag},
                  tmp_path / "runner", datetime.now(UTC), only={step})
    assert [s.name for s in run.steps] == [step]
    assert run.ok is ok, run.step(step)
    if ok:
        assert run.outputs["version"] == {"version": "1.2.3"}
    else:
        assert f"::error title=Tag and version differ::the tag {tag} asks for statusgen " \
            f"{tag.removeprefix('v')}, but the build made: statusgen-1.2.3-py3-none-any.whl " \
            "statusgen-1.2.3.tar.gz." in run.step(step).stdout


def _install_step(name: str) -> str:
    [step] = [s for s in load_workflow(WORKFLOWS / name)["jobs"][_first_job(name)]["steps"]
              if s.get("id") == "install"]
    script: str = step["run"]
    return script


def _first_job(name: str) -> str:
    return str(next(iter(load_workflow(WORKFLOWS / name)["jobs"])))


def _stub(folder: Path, name: str, script: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    (folder / name).chmod(0o755)


@pytest.mark.parametrize("name", SHARED)
@pytest.mark.parametrize(("requirements", "installs_statusgen"), [
    ("# nothing uncommented, as init writes it from a folder\n", False),
    ("statusgen==9.9.9\n", True),
    (None, True),
])
def test_install_step_fails_clearly_when_nothing_installs_statusgen(
        name: str, requirements: str | None, installs_statusgen: bool, tmp_path: Path) -> None:
    assert _install_step(name) == _install_step("check.yml")  # one script in every workflow
    work, stubs = tmp_path / "work", tmp_path / "bin"
    work.mkdir()
    if requirements is not None:
        (work / "requirements.txt").write_text(requirements, encoding="utf-8")
    # `python` stands for the runner's: it notes how pip was asked, and installs a
    # `statusgen` when the requirements name one.
    _stub(stubs, "python", f'echo "$*" > "{tmp_path}/pip-args"\n' + (
        f'printf \'#!/bin/sh\\necho statusgen 9.9.9\\n\' > "{stubs}/statusgen"; '
        f'chmod +x "{stubs}/statusgen"' if installs_statusgen else ":"))
    script = tmp_path / "install.sh"
    script.write_text(_install_step(name), encoding="utf-8")
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=work,
                          env={"PATH": f"{stubs}:/usr/bin:/bin"}, capture_output=True, text=True,
                          check=False)
    pip = (tmp_path / "pip-args").read_text(encoding="utf-8").strip()
    assert pip == ("-m pip install --require-hashes -r requirements.txt" if requirements is not None
                   else "-m pip install .")
    if installs_statusgen:
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == "statusgen 9.9.9\n"
    else:
        assert proc.returncode == 1
        assert proc.stdout.startswith("::error file=requirements.txt,title=No statusgen::requirements.txt "
                                      "installs no statusgen: run statusgen upgrade, which rewrites it")


def test_pre_commit_hook() -> None:
    [hook] = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "statusgen-validate"
    assert (hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "statusgen validate", "python", False)
    files = re.compile(hook["files"])
    for name in ("components.yml", "incidents/2026-11-22-a.md", "incidents/diagram.svg"):
        assert files.search(name), name
    for name in ("README.md", "site/index.html", "docs/components.yml"):
        assert not files.search(name), name


# --- external linters ------------------------------------------------------------------------

def _init_repo(tmp_path: Path) -> Path:
    root = tmp_path / "status"
    root.mkdir()
    outcome = init(root, NOW)
    assert outcome.written and not outcome.kept
    return root


@pytest.mark.validator
def test_actionlint_passes_on_every_workflow(tmp_path: Path) -> None:
    initialised = sorted((_init_repo(tmp_path) / ".github" / "workflows").glob("*.yml"))
    assert len(initialised) == len(SHARED)
    findings = run_actionlint([*all_workflows(), *initialised])
    assert findings == [], format_actionlint_findings(findings)


def zizmor(*inputs: Path) -> subprocess.CompletedProcess[str]:
    """zizmor at its defaults (no ``--min-severity``, the regular persona, ignore comments
    honoured), as a team adding it to CI runs it; ``--offline`` only because tests have no
    network."""
    found = shutil.which("zizmor", path=str(VENV_BIN)) or shutil.which("zizmor")
    if found is None:
        missing_tool("zizmor (pip package, in the `test` extra)", "pip install -e '.[test]'")
    proc = subprocess.run([found, "--offline", "--format", "json", *map(str, inputs)],
                          capture_output=True, text=True, check=False, timeout=300)
    # zizmor exits 10-14 when it reports findings (by the highest severity), 0 when none.
    if proc.returncode not in (0, 10, 11, 12, 13, 14):
        raise RuntimeError(f"zizmor failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc


def _summary(findings: list[dict[str, Any]]) -> str:
    return "\n".join(f"{f['determinations']['severity']}: {f['ident']}: {f['desc']}" for f in findings)


@pytest.mark.validator
def test_zizmor_at_its_defaults_finds_nothing(tmp_path: Path) -> None:
    for inputs in ([REPO_ROOT], [_init_repo(tmp_path)]):
        proc = zizmor(*inputs)
        findings: list[dict[str, Any]] = json.loads(proc.stdout)
        assert (proc.returncode, findings) == (0, []), _summary(findings)


# --- running the scripts locally ---------------------------------------------------------------

@dataclass
class StepRun:
    name: str
    returncode: int
    stdout: str
    stderr: str


@dataclass
class JobRun:
    steps: list[StepRun] = field(default_factory=list)
    summary: str = ""
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(s.returncode == 0 for s in self.steps)

    def step(self, name: str) -> StepRun:
        return next(s for s in self.steps if s.name == name)


def _parse_env_file(text: str) -> dict[str, str]:
    """``NAME=value`` lines and ``NAME<<EOF`` blocks, as Actions reads GITHUB_OUTPUT/GITHUB_ENV."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, marker = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == marker:
                    break
                block.append(inner)
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def substitute(value: str, context: Mapping[str, str]) -> str:
    """``${{ inputs.x }}`` → ``context["inputs.x"]``; an expression not in the dict fails the test."""
    def replace(match: re.Match[str]) -> str:
        expression = match.group(1)
        assert expression in context, f"the test gives no value for ${{{{ {expression} }}}}"
        return context[expression]
    return EXPRESSION.sub(replace, value)


def _runs(step: Mapping[str, Any], only: Collection[str] | None, install: bool) -> bool:
    if "uses" in step:
        return False
    return step.get("name") in only if only is not None else install or step.get("id") != "install"


def run_job(workflow: Path, job_id: str, workspace: Path, context: Mapping[str, str],
            runner_temp: Path, clock: datetime, only: Collection[str] | None = None, *,
            python: Path = VENV_BIN, env: Mapping[str, str] | None = None) -> JobRun:
    """Run a job's ``run:`` steps in order, stopping at the first that fails, as Actions does.

    ``clock`` is the time statusgen sees (through ``SOURCE_DATE_EPOCH``); ``only``
    names the steps to run (default: all but the ``install`` one).  ``python``: the
    folder of the ``python`` (and ``statusgen``) the steps find first on PATH; another
    than this venv's, and the ``install`` step runs too (with ``env`` added, e.g. where
    pip finds packages).
    """
    job = load_workflow(workflow)["jobs"][job_id]
    runner_temp.mkdir(parents=True, exist_ok=True)
    summary = runner_temp / "step_summary.md"
    env_file = runner_temp / "env"
    path_file = runner_temp / "path"
    for f in (summary, env_file, path_file):
        f.write_text("")
    base_env = {
        "PATH": os.pathsep.join([str(python), os.environ.get("PATH", "")]),
        "HOME": str(runner_temp / "home"),
        "LANG": "C.UTF-8",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_ENV": str(env_file),
        "GITHUB_PATH": str(path_file),
        "RUNNER_TEMP": str(runner_temp),
        "GIT_CONFIG_GLOBAL": str(runner_temp / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "SOURCE_DATE_EPOCH": str(int(clock.timestamp())),
        **(env or {}),
    }
    (runner_temp / "home").mkdir(exist_ok=True)
    context = dict(context)
    result = JobRun()
    for index, step in enumerate(job["steps"]):
        if not _runs(step, only, install=python != VENV_BIN):
            continue
        assert "if" not in step, "the local runner does not evaluate `if:`"
        output = runner_temp / f"output-{index}"
        output.write_text("")
        env = {**base_env, "GITHUB_OUTPUT": str(output)}
        env.update(_parse_env_file(env_file.read_text()))
        extra = [p for p in path_file.read_text().splitlines() if p]
        env["PATH"] = os.pathsep.join([*reversed(extra), env["PATH"]])
        env.update({k: substitute(str(v), context) for k, v in step.get("env", {}).items()})
        script = runner_temp / f"step-{index}.sh"
        script.write_text(step["run"])
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=workspace, env=env, capture_output=True, text=True, timeout=300,
                              check=False)
        result.steps.append(StepRun(step.get("name", step["run"][:40]), proc.returncode,
                                    proc.stdout, proc.stderr))
        if "id" in step:
            outputs = _parse_env_file(output.read_text())
            result.outputs[step["id"]] = outputs
            context.update({f"steps.{step['id']}.outputs.{k}": v for k, v in outputs.items()})
        if proc.returncode != 0:
            break
    result.summary = summary.read_text()
    return result


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "user.name=Test Author", "-c", "user.email=test@example.com",
         "-c", "commit.gpgsign=false", "-C", str(root), *args],
        capture_output=True, text=True, check=True)
    return proc.stdout


@pytest.fixture
def origin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bare ``origin`` whose ``main`` holds a fresh ``statusgen init`` repository."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    seed = _init_repo(tmp_path)
    git(seed, "init", "--quiet", "--initial-branch=main")
    git(seed, "add", "--all")
    git(seed, "commit", "--quiet", "-m", "statusgen init")
    git(seed, "remote", "add", "origin", str(bare))
    git(seed, "push", "--quiet", "origin", "main")
    return bare


def checkout(origin: Path, where: Path) -> Path:
    """What actions/checkout with ``fetch-depth: 0`` leaves: a clone with every remote branch."""
    git(origin.parent, "clone", "--quiet", str(origin), str(where))
    return where


UNKNOWN_COMPONENT = """\
---
title: Login failures
impact: major
components:
  auth: partial_outage
updates:
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: Some logins fail.
---
"""

MISSPELT_STATUS = """\
---
title: Slow dashboard
impact: minor
components:
  website: degraded_performance
updates:
  - at: 2026-11-22T08:10:00Z
    status: investigatin
    message: The dashboard is slow.
---
"""

GOOD = """\
---
title: Elevated API error rates
impact: major
components:
  api: partial_outage
updates:
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: Some API requests fail. We are investigating.
---
"""

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _pull_request(origin: Path, tmp_path: Path, files: Mapping[str, str]) -> Path:
    work = checkout(origin, tmp_path / "pr")
    git(work, "switch", "--quiet", "-c", "fix")
    for name, text in files.items():
        (work / name).write_text(dedent(text), encoding="utf-8")
    git(work, "add", "--all")
    git(work, "commit", "--quiet", "-m", "A change")
    return work


def test_check_yml_annotates_broken_incidents(origin: Path, tmp_path: Path) -> None:
    work = _pull_request(origin, tmp_path, {"incidents/2026-11-22-login.md": UNKNOWN_COMPONENT,
                                            "incidents/2026-11-22-dashboard.md": MISSPELT_STATUS})
    run = run_job(WORKFLOWS / "check.yml", "check", work, {"github.base_ref": "main"},
                  tmp_path / "runner", NOW)
    assert [s.name for s in run.steps] == ["Validate"]
    validate = run.step("Validate")
    assert validate.returncode == 1
    errors = [line for line in validate.stdout.splitlines() if line.startswith("::error ")]
    assert any(line.startswith("::error file=incidents/2026-11-22-login.md,line=5,") and
               "no component `auth`" in line for line in errors), validate.stdout
    assert any(line.startswith("::error file=incidents/2026-11-22-dashboard.md,line=8,") and
               "investigatin" in line for line in errors), validate.stdout
    assert run.summary == ""


@pytest.mark.slow
def test_check_yml_summarises_a_good_change(origin: Path, tmp_path: Path) -> None:
    work = _pull_request(origin, tmp_path, {"incidents/2026-11-22-api-errors.md": GOOD})
    run = run_job(WORKFLOWS / "check.yml", "check", work, {"github.base_ref": "main"},
                  tmp_path / "runner", NOW)
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    assert [s.name for s in run.steps] == ["Validate", "Build", "Describe the change to the public page"]
    assert (work / "site" / "index.html").is_file()
    assert "## Public status page" in run.summary
    assert "| Public API | Operational | Partial outage |" in run.summary
    assert "**Added:** Elevated API error rates" in run.summary
    assert "Compared with `origin/main (" in run.summary


@pytest.mark.slow
def test_incident_yml_new_update_resolve_commit_and_push(origin: Path, tmp_path: Path) -> None:
    minutes = iter(range(0, 60, 10))

    def dispatch(name: str, **inputs: str) -> JobRun:
        work = checkout(origin, tmp_path / name)
        context = {f"inputs.{k}": "" for k in ("id", "title", "impact", "components", "status")}
        context.update({f"inputs.{k}": v for k, v in inputs.items()})
        context["github.actor"] = "octocat"
        clock = NOW + timedelta(minutes=next(minutes))
        return run_job(WORKFLOWS / "incident.yml", "write", work, context, tmp_path / f"runner-{name}",
                       clock)

    run = dispatch("new", action="new", title="Elevated API error rates", impact="major",
                   components="api=partial_outage, db = degraded_performance",
                   status="investigating", message="Some API requests fail.\n\nWe are on it.")
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    path = run.outputs["write"]["path"]
    assert path == "incidents/2026-11-22-elevated-api-error-rates.md"
    commit = run.outputs["commit"]["commit"]
    assert git(origin, "rev-parse", "main").strip() == commit
    log = git(origin, "log", "-1", "--format=%an <%ae>%n%s%n%b", "main")
    assert log.startswith("github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>\n"
                          "Incident opened: Elevated API error rates (investigating)\n")
    assert "Requested by @octocat with the Incident workflow." in log
    assert git(origin, "diff", "--name-only", "main~1", "main").split() == [path]
    assert f"Committed {path}" in run.summary

    # What landed on main validates, and says what the form said.
    landed = checkout(origin, tmp_path / "landed")
    check = subprocess.run([str(VENV_BIN / "statusgen"), "validate", "--root", str(landed), "--strict",
                            "--now", "2026-11-22T09:30:00Z"],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    text = (landed / path).read_text(encoding="utf-8")
    assert "title: Elevated API error rates" in text
    assert "api: partial_outage" in text and "db: degraded_performance" in text

    incident_id = Path(path).stem
    run = dispatch("update", action="update", id=incident_id, status="identified",
                   components="api=degraded_performance", message="A bad deploy; rolling back.")
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    assert git(origin, "log", "-1", "--format=%s", "main").strip() == \
        f"Incident updated: {incident_id} (identified)"

    run = dispatch("resolve", action="resolve", id=incident_id, message="Requests succeed again.")
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    assert git(origin, "log", "-1", "--format=%s", "main").strip() == f"Incident resolved: {incident_id}"
    final = checkout(origin, tmp_path / "final")
    assert "status: resolved" in (final / path).read_text(encoding="utf-8")


def test_incident_yml_refuses_incomplete_forms(origin: Path, tmp_path: Path) -> None:
    work = checkout(origin, tmp_path / "work")
    context = {f"inputs.{k}": "" for k in ("id", "title", "impact", "components", "status")}
    context.update({"inputs.action": "update", "inputs.message": "x", "github.actor": "octocat"})
    run = run_job(WORKFLOWS / "incident.yml", "write", work, context, tmp_path / "runner", NOW)
    assert not run.ok
    assert "::error title=Incident::update and resolve need the incident's id" in \
        run.step("Write the incident").stdout
    assert git(origin, "log", "--format=%s", "main").strip() == "statusgen init"


MAINTENANCE = """\
---
kind: maintenance
title: Database upgrade
window: {start: 2026-11-22T08:30:00Z, end: 2026-11-22T10:30:00Z}
components: [db]
updates:
  - at: 2026-11-21T10:00:00Z
    status: scheduled
    message: The database will be read-only during the window.
---
"""


@pytest.mark.slow
def test_incident_yml_keeps_the_status_and_updates_maintenance(origin: Path, tmp_path: Path) -> None:
    seed = checkout(origin, tmp_path / "seed")
    identified = dedent(GOOD).replace("status: investigating", "status: identified")
    (seed / "incidents" / "2026-11-22-api-errors.md").write_text(identified, encoding="utf-8")
    (seed / "incidents" / "2026-11-22-db-upgrade.md").write_text(dedent(MAINTENANCE), encoding="utf-8")
    git(seed, "add", "--all")
    git(seed, "commit", "--quiet", "-m", "An incident and a maintenance")
    git(seed, "push", "--quiet", "origin", "main")

    def update(name: str, entry: str, status: str) -> JobRun:
        context = {f"inputs.{k}": "" for k in ("title", "impact", "components")}
        context.update({"inputs.action": "update", "inputs.id": entry, "inputs.status": status,
                        "inputs.message": "Still on it.", "github.actor": "octocat"})
        return run_job(WORKFLOWS / "incident.yml", "write", checkout(origin, tmp_path / name),
                       context, tmp_path / f"runner-{name}", NOW)

    def newest_status(entry: str, after: str) -> str:
        landed = checkout(origin, tmp_path / f"landed-{after}")
        incident, _ = parse_incident(f"incidents/{entry}.md",
                                     (landed / "incidents" / f"{entry}.md").read_bytes())
        assert incident is not None
        return str(incident.updates[0].status)

    run = update("kept", "2026-11-22-api-errors", "unchanged")  # the form's default
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    assert newest_status("2026-11-22-api-errors", "kept") == "identified"
    assert git(origin, "log", "-1", "--format=%s", "main").strip() == \
        "Incident updated: 2026-11-22-api-errors"

    run = update("started", "2026-11-22-db-upgrade", "in_progress")
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    assert newest_status("2026-11-22-db-upgrade", "started") == "in_progress"

    head = git(origin, "rev-parse", "main")
    run = update("wrong-kind", "2026-11-22-api-errors", "verifying")
    assert not run.ok
    assert "::error title=Incident::statusgen update: error: --status 'verifying' is not an incident " \
        "status; use one of investigating, identified, monitoring, resolved" in \
        run.step("Write the incident").stdout.splitlines()
    assert git(origin, "rev-parse", "main") == head  # nothing committed


def test_incident_yml_inputs_are_data_not_code(origin: Path, tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    title = f'Login $(touch {canary}) `touch {canary}` "; touch {canary}; "'
    work = checkout(origin, tmp_path / "work")
    context = {f"inputs.{k}": "" for k in ("id", "components")}
    context.update({"inputs.action": "new", "inputs.title": title, "inputs.impact": "minor",
                    "inputs.status": "investigating", "github.actor": "octocat",
                    "inputs.message": f"Line one.\ncommit=0000000\n$(touch {canary})"})
    run = run_job(WORKFLOWS / "incident.yml", "write", work, context, tmp_path / "runner", NOW)
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    assert not canary.exists()
    assert git(origin, "log", "-1", "--format=%s", "main").strip() == \
        f"Incident opened: {title} (investigating)"
    assert run.outputs["commit"]["commit"] == git(origin, "rev-parse", "main").strip()
    landed = checkout(origin, tmp_path / "landed")
    [written] = (landed / "incidents").glob("2026-11-22-*.md")
    assert f"$(touch {canary})" in written.read_text(encoding="utf-8")


# --- notifications in the deploy -----------------------------------------------------------------

CHANNELS = """\

notify:
  - id: team-chat
    type: slack
    url_env: SLACK_STATUS_WEBHOOK
  - id: partners
    type: webhook
    url_env: PARTNER_WEBHOOK_URL
    secret_env: PARTNER_WEBHOOK_SECRET
"""


@pytest.mark.slow
def test_deploy_sends_each_update_once_and_keeps_the_log_on_its_branch(
        origin: Path, tmp_path: Path) -> None:
    from tests.notify.servers import receiver

    seed = checkout(origin, tmp_path / "seed")
    with (seed / "components.yml").open("a", encoding="utf-8") as handle:
        handle.write(CHANNELS)
    (seed / "incidents" / "2026-11-22-api-errors.md").write_text(dedent(GOOD), encoding="utf-8")
    git(seed, "add", "--all")
    git(seed, "commit", "--quiet", "-m", "Channels, and an incident")
    git(seed, "push", "--quiet", "origin", "main")

    def deploy(name: str, clock: datetime, secrets: dict[str, str]) -> JobRun:
        work = checkout(origin, tmp_path / name)
        context = {f"secrets.{key}": "" for key in (
            "SLACK_STATUS_WEBHOOK", "DISCORD_STATUS_WEBHOOK", "TEAMS_STATUS_WEBHOOK",
            "PARTNER_WEBHOOK_URL", "PARTNER_WEBHOOK_SECRET", "STATUS_SMTP_URL", "STATUS_SUBSCRIBERS")}
        context.update({f"secrets.{key}": value for key, value in secrets.items()})
        return run_job(WORKFLOWS / "deploy.yml", "notify", work, context, tmp_path / f"runner-{name}",
                       clock, only={NOTIFY_STEP})

    with receiver() as hook:
        secrets = {"SLACK_STATUS_WEBHOOK": hook.url, "PARTNER_WEBHOOK_URL": hook.url,
                   "PARTNER_WEBHOOK_SECRET": "signing-key"}
        first = deploy("first", NOW, secrets)  # the first run records what is already due
        assert first.ok, first.step(NOTIFY_STEP).stderr
        assert hook.requests == []
        assert git(origin, "log", "--format=%s", "statusgen-notify-log").strip() == "Notifications sent"

        seed = checkout(origin, tmp_path / "seed2")
        update = dedent(GOOD).replace("updates:\n", "updates:\n  - at: 2026-11-22T08:30:00Z\n"
                                      "    status: identified\n    message: A bad deploy.\n", 1)
        (seed / "incidents" / "2026-11-22-api-errors.md").write_text(update, encoding="utf-8")
        git(seed, "commit", "--quiet", "-am", "Identified")
        git(seed, "push", "--quiet", "origin", "main")
        second = deploy("second", NOW + timedelta(minutes=40), secrets)
        assert second.ok, second.step(NOTIFY_STEP).stderr
        assert len(hook.requests) == 2 and all(r.signed_by("signing-key") for r in hook.requests[1:])
        assert "| team-chat (slack) | `incident.updated` | Elevated API error rates | sent" in second.summary
        third = deploy("third", NOW + timedelta(minutes=50), secrets)
        assert third.ok and len(hook.requests) == 2  # never twice
        for run in (first, second, third):
            assert hook.url not in run.summary + run.step(NOTIFY_STEP).stdout + run.step(NOTIFY_STEP).stderr

        # A channel without its secret fails the job, and the log still keeps what was sent.
        seed = checkout(origin, tmp_path / "seed3")
        (seed / "incidents" / "2026-11-22-api-errors.md").write_text(update.replace(
            "updates:\n", "updates:\n  - at: 2026-11-22T09:40:00Z\n    status: resolved\n"
            "    message: Fixed.\n", 1), encoding="utf-8")
        git(seed, "commit", "--quiet", "-am", "Resolved")
        git(seed, "push", "--quiet", "origin", "main")
        fourth = deploy("fourth", NOW + timedelta(minutes=41), {**secrets, "SLACK_STATUS_WEBHOOK": ""})
        assert not fourth.ok and "SLACK\\_STATUS\\_WEBHOOK" in fourth.summary
        assert len(hook.requests) == 4  # the webhook's: the incident, and the component it ended
        log = json.loads(git(origin, "show", "statusgen-notify-log:notified.json"))
        assert any(k.endswith("20261122T094000Z") and v["sent"]
                   for k, v in log["channels"]["partners"].items())
        assert git(origin, "rev-list", "--count", "statusgen-notify-log").strip() == "3"


# --- a GitHub runner that installs statusgen from what `statusgen init` wrote ---------------------

def _wheel_of_this_checkout(tmp_path: Path, version: str) -> Path:
    """``python -m build --wheel`` of a copy of this checkout, at ``version``."""
    source = copy_source(tmp_path / f"source-{version}")
    init_py = source / "generator" / "__init__.py"
    init_py.write_text(re.sub(r'__version__ = ".*"', f'__version__ = "{version}"',
                              init_py.read_text(encoding="utf-8")), encoding="utf-8")
    run_checked([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                 "--outdir", tmp_path / f"dist-{version}", source], tmp_path)
    [wheel] = (tmp_path / f"dist-{version}").glob("*.whl")
    return wheel


@pytest.mark.slow
@pytest.mark.package
@pytest.mark.validator
def test_a_runner_installs_the_statusgen_init_wrote_where_no_index_offers_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed_venv: Path, fresh_venv: FreshVenv,
        wheelhouse: Wheelhouse, runner_pip_cache: Path) -> None:
    """As on GitHub: a team installs statusgen from a wheel, runs ``init --git``, pushes; the
    runner has only a package index without statusgen, and runs the check and deploy jobs'
    steps, ``pip install --require-hashes -r requirements.txt`` first.  Then the team moves to a
    newer statusgen with ``statusgen upgrade``, and the runner installs that one.
    """
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Ana Status")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "ana@example.com")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    run_checked([installed_venv / "statusgen", "init", "team", "--git"], tmp_path)
    repo = tmp_path / "team"
    requirements = (repo / "requirements.txt").read_text(encoding="utf-8")
    assert f"./.statusgen/statusgen-{__version__}-py3-none-any.whl \\" in requirements

    # The runner's index: the dependencies' own release files (downloaded once, hashes checked),
    # setuptools and wheel to build the one that comes as an sdist (feedgen), and no statusgen.
    # Nothing of this machine's pip configuration reaches the runner.
    index = wheelhouse(requirements.split("# What it needs", 1)[1].split("\n", 1)[1])
    assert not list(index.glob("statusgen*"))
    runner_pip = {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(index),
                  "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_CACHE_DIR": str(runner_pip_cache)}

    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(repo), str(origin))

    def deploy(name: str) -> JobRun:
        runner = fresh_venv(tmp_path / f"runner-{name}")
        work = checkout(origin, tmp_path / f"deploy-{name}")
        run = run_job(WORKFLOWS / "deploy.yml", "build", work, {"inputs.ref": ""}, tmp_path / f"temp-{name}",
                      NOW, python=runner, env=runner_pip)
        assert run.ok, [(s.name, s.stdout[-2000:], s.stderr[-2000:]) for s in run.steps]
        assert [s.name for s in run.steps] == ["Install statusgen", "Build"]
        assert (work / "site" / "index.html").is_file()
        return run

    # A pull request: the check job, install first.
    work = _pull_request(origin, tmp_path, {"incidents/2026-11-22-api-errors.md": GOOD})
    runner = fresh_venv(tmp_path / "runner-check")
    run = run_job(WORKFLOWS / "check.yml", "check", work, {"github.base_ref": "main"},
                  tmp_path / "temp-check", NOW, python=runner, env=runner_pip)
    assert run.ok, [(s.name, s.stdout[-2000:], s.stderr[-2000:]) for s in run.steps]
    assert [s.name for s in run.steps] == ["Install statusgen", "Validate", "Build",
                                           "Describe the change to the public page"]
    assert run.step("Install statusgen").stdout.endswith(f"statusgen {__version__}\n")
    assert (work / "site" / "index.html").is_file()
    assert "**Added:** Elevated API error rates" in run.summary
    assert deploy("first").step("Install statusgen").stdout.endswith(f"statusgen {__version__}\n")

    # A newer statusgen: the team installs it and upgrades the repository; the runner follows.
    newer = _wheel_of_this_checkout(tmp_path, "99.0.0")
    team = copy_venv(installed_venv.parent, tmp_path / "team-venv")
    run_checked([team / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
                 newer], tmp_path)
    said = run_checked([team / "statusgen", "upgrade"], repo)
    assert said.startswith(f"statusgen {__version__} → 99.0.0, from .statusgen/"
                           "statusgen-99.0.0-py3-none-any.whl\nDependency pins: unchanged.\n"), said
    assert sorted(p.name for p in (repo / ".statusgen").iterdir()) == ["statusgen-99.0.0-py3-none-any.whl"]
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "statusgen 99.0.0")
    git(repo, "push", "--quiet", str(origin), "main")
    assert deploy("upgraded").step("Install statusgen").stdout.endswith("statusgen 99.0.0\n")
