"""pyproject.toml: its console scripts start the commands they name, its package list misses no package."""
import importlib
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_console_scripts_are_the_command_line_mains():
    scripts = PROJECT["project"]["scripts"]
    assert set(scripts) == {"labour-knowledge", "labour-cases"}
    for target in scripts.values():
        module, function = target.split(":")
        assert callable(getattr(importlib.import_module(module), function)), target


def test_every_package_of_the_checkout_is_listed():
    listed = set(PROJECT["tool"]["setuptools"]["packages"])
    shipped_roots = {name.split(".")[0] for name in listed}
    found = {
        ".".join(init.parent.relative_to(REPO_ROOT).parts)
        for root in shipped_roots
        for init in (REPO_ROOT / root).rglob("*.py")
        if "__pycache__" not in init.parts and init.parent.name not in ("corpus", "eval")
    }
    assert found <= listed, found - listed
