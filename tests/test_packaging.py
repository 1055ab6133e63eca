"""The package installs from a wheel and works there; the shipped specs are the committed ones.

The wheel test installs every dependency at exactly its floor in pyproject.toml, so the floors
are versions the commands really ran on (the rest of the suite runs on whatever `setup.sh`
resolved, normally the newest).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from selfeval_xl.spec.load import spec_files

ROOT = Path(__file__).resolve().parents[1]
HUMAN = ROOT / "workbook_templates"
SAMPLES = ROOT / "samples" / "submissions"
PASSING_WITH_WARNINGS = "906017_临湘市委网信办.xlsx"
FAILING = "907001_临湘市民政局_支出合计不符.xlsx"


def test_shipped_specs_are_the_human_facing_copies() -> None:
    """selfeval_xl/templates/*.yaml (what the program loads) == workbook_templates/*.yaml."""
    shipped = {f.name: f.read_bytes() for f in spec_files()}
    human = {p.name: p.read_bytes() for p in sorted(HUMAN.glob("*.yaml"))}
    assert human, "workbook_templates/ has no spec"
    assert sorted(shipped) == sorted(human), (
        "every workbook_templates/*.yaml must ship in the package: "
        "ln -s ../../workbook_templates/NAME.yaml selfeval_xl/templates/NAME.yaml")
    for name, raw in human.items():
        assert shipped[name] == raw, f"selfeval_xl/templates/{name} differs from workbook_templates/{name}"


def floors() -> dict[str, str]:
    """`name>=X` (or an exact `name==X`) of every runtime dependency; one without a floor fails."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    out: dict[str, str] = {}
    for dep in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)(>=|==)([0-9][0-9A-Za-z.]*)(,<[0-9.]+)?", dep.replace(" ", ""))
        assert m, f"dependency without a tested floor: {dep!r}"
        out[m.group(1)] = m.group(3)
    return out


def test_every_dependency_has_a_floor() -> None:
    assert {"typer", "click", "XlsxWriter", "openpyxl", "pandas"} <= set(floors())


def _copy_source(dst: Path) -> Path:
    """The files a build needs, so building never writes into the checkout."""
    src = dst / "src"
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", "build", "out", ".*_cache")
    for name in ("selfeval_xl", "workbook_templates"):
        shutil.copytree(ROOT / name, src / name, symlinks=True, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    return src


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.install
def test_wheel_installs_into_a_fresh_venv_on_the_floors_and_runs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["COLUMNS"] = "200"
    src = _copy_source(tmp_path)
    wheels = tmp_path / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheels), str(src)], tmp_path, env)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = wheels.glob("selfeval_xl-*.whl")

    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    assert made.returncode == 0, made.stderr
    py, cli = venv / "bin" / "python", venv / "bin" / "selfeval-xl"
    constraints = tmp_path / "floors.txt"
    constraints.write_text("".join(f"{name}=={version}\n" for name, version in floors().items()), "utf-8")
    inst = _run([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-c", str(constraints), str(wheel)],
                tmp_path, env)
    assert inst.returncode == 0, inst.stdout[-3000:] + inst.stderr[-3000:]

    # Imported from the venv, not from the checkout; the dependencies are at their floors.
    where = _run([str(py), "-c", "import selfeval_xl, typer, click, xlsxwriter; print(selfeval_xl.__file__);"
                  "print(typer.__version__, xlsxwriter.__version__)"], tmp_path, env)
    assert where.returncode == 0, where.stderr
    assert where.stdout.splitlines()[0].startswith(str(venv)), where.stdout
    assert where.stdout.splitlines()[1] == f"{floors()['typer']} {floors()['XlsxWriter']}"

    version = _run([str(cli), "--version"], tmp_path, env)
    assert version.returncode == 0 and version.stdout.startswith("selfeval-xl "), version.stdout + version.stderr

    blank = tmp_path / "空白.xlsx"
    made = _run([str(cli), "template", "-o", str(blank)], tmp_path, env)
    assert made.returncode == 0, made.stdout + made.stderr
    assert f"已生成空白自评表：{blank}" in made.stdout
    assert blank.stat().st_size > 10_000

    checked = _run([str(cli), "check", str(SAMPLES / PASSING_WITH_WARNINGS), str(SAMPLES / FAILING), str(blank),
                    "--json", str(tmp_path / "r.json")], tmp_path, env)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    out = checked.stdout
    assert "共 3 份：通过 0，警告 1，未通过 2，无法读取 0" in out, out
    assert "收支情况!B11" in out and "支出合计 96.00 ≠ 基本支出 66.00 + 项目支出 31.00 = 97.00" in out, out
    assert "无法读取" not in out.replace("无法读取 0", ""), out
    assert (tmp_path / "r.json").stat().st_size > 1000

    # The web intake's templates and assets ship as package data: the installed app renders.
    web = _run([str(py), "-c", "from selfeval_xl.web.app import _templates\n"
                "import importlib.resources as r\n"
                "print('预算编码' in _templates().get_template('login.html').render(csrf='x', year=2021, message=None,"
                " title='t'), r.files('selfeval_xl.web').joinpath('static/upload.js').is_file())"], tmp_path, env)
    assert web.returncode == 0 and web.stdout.split() == ["True", "True"], web.stdout + web.stderr
    served = _run([str(cli), "serve", "--help"], tmp_path, env)
    assert served.returncode == 0 and "网页报送" in served.stdout, served.stdout + served.stderr
