"""The dbt project, built once on first use: where it is, which ``dbt`` runs it, a fresh manifest.

Every module that needs the project asks ``dbt_project()``; importing this module runs nothing.
The manifest is parsed again (``dbt parse``) whenever a dbt file is newer than it, so neither a
run nor ``dagster dev`` works from a stale project.
"""

from __future__ import annotations

import functools
import shutil
import sys
from importlib.metadata import version
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from orchestration.settings import PROJECT_ROOT

__all__ = [
    "DBT_PROJECT_DIR",
    "BudgetDbtCliResource",
    "dbt_cli",
    "dbt_executable",
    "dbt_project",
    "ensure_dbt_manifest",
]

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# What the manifest is parsed from (besides dbt_project.yml).
DBT_SOURCE_FOLDERS = ("models", "macros", "tests")


def dbt_executable() -> str:
    """``dbt`` on PATH, else the one installed beside this Python (a virtualenv not activated,
    e.g. ``.venv/bin/dagster dev``)."""
    beside = Path(sys.executable).parent / "dbt"
    return shutil.which("dbt") or (str(beside) if beside.exists() else "dbt")


@functools.cache
def _project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class BudgetDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource, minus one ``dbt --version`` per command.

    Before every dbt command dagster-dbt runs ``dbt --version`` to learn which dbt it calls: about 7 s
    here, because that command imports all of dbt and asks PyPI for the latest release (a network call
    a run should not make). When the ``dbt`` called is the one installed beside this Python, its version
    is the installed dbt-core package's: read from the package metadata instead.
    """

    @functools.cached_property
    def _cli_version(self) -> Version:
        if Path(self.dbt_executable).parent.resolve() == Path(sys.executable).parent.resolve():
            return Version(version("dbt-core"))
        return super()._cli_version


def dbt_cli() -> DbtCliResource:
    return BudgetDbtCliResource(
        project_dir=_project(), profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
    )


def ensure_dbt_manifest() -> Path:
    """Run ``dbt parse`` if the manifest is missing or older than a file of the project; its path."""
    project = _project()
    manifest = Path(project.manifest_path)
    sources = [DBT_PROJECT_DIR / "dbt_project.yml"]
    sources += [p for folder in DBT_SOURCE_FOLDERS for p in (DBT_PROJECT_DIR / folder).glob("**/*")]
    newest = max((p.stat().st_mtime for p in sources if p.is_file()), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        dbt_cli().cli(["parse", "--quiet"], target_path=project.target_path).wait()
    return manifest


def dbt_project() -> DbtProject:
    """The project with an up-to-date manifest."""
    ensure_dbt_manifest()
    return _project()
