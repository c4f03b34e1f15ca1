"""The map of the code in docs/architecture.md stays true: a newcomer who reads it finds every
package where it says, and the layout rules it states hold."""

import ast
import re

from django.conf import settings

ROOT = settings.BASE_DIR
MAP = ROOT / "docs" / "architecture.md"
MAX_LINES = 400


def mapped_paths():
    """The paths in the first column of the map's table."""
    paths = set()
    for line in MAP.read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if line.startswith("| `") and len(cells) > 2:
            paths.update(re.findall(r"`([^`]+)`", cells[1]))
    return paths


def python_modules():
    for folder in ("deffinum", "laureats"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_every_package_and_project_module_is_on_the_map():
    paths = mapped_paths()
    expected = {f"laureats/{p.name}/" for p in (ROOT / "laureats").iterdir() if is_package(p)}
    expected |= {f"deffinum/{p.name}" for p in (ROOT / "deffinum").glob("*.py")}
    expected -= {"deffinum/__init__.py"}
    expected |= {f"deffinum/{p.name}/" for p in (ROOT / "deffinum").iterdir() if is_package(p)}
    assert sorted(expected - paths) == []


def test_every_path_on_the_map_exists():
    assert sorted(p for p in mapped_paths() if not (ROOT / p).exists()) == []


def is_package(path):
    return path.is_dir() and (path / "__init__.py").exists()


def test_the_domain_app_has_only_its_entries_at_its_root():
    top_level = {p.name for p in (ROOT / "laureats").glob("*.py")}
    assert top_level == {"__init__.py", "apps.py", "urls.py"}


LAYERED = (
    "browse",
    "text",
    "statistics",
    "journal",
    "opendata",
    "contributions",
    "resources",
    "organisations",
    "register",
)


def allowed_imports(package):
    """The packages of laureats/ named after "May import:" in the package's docstring."""
    doc = ast.get_docstring(ast.parse((ROOT / "laureats" / package / "__init__.py").read_text()))
    assert doc and "May import:" in doc, f"laureats/{package}/ does not say what it may import"
    sentence = re.sub(r"\([^)]*\)", "", doc.split("May import:")[1]).split(".")[0]
    return {name.strip() for name in sentence.split(",")}


def imported_packages(package):
    """The packages of laureats/ that the modules of `package` import."""
    found = set()
    for path in (ROOT / "laureats" / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and (node.level == 2 or node.module.startswith("laureats."))
            ):
                found.add(node.module.removeprefix("laureats.").split(".")[0])
    return found - {package}


def test_each_package_imports_only_what_it_says_it_may():
    for package in LAYERED:
        assert imported_packages(package) <= allowed_imports(package), package


def test_no_middleware_lives_in_the_domain_app():
    assert [m for m in settings.MIDDLEWARE if m.startswith("laureats.")] == []


def test_no_module_is_over_400_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in python_modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
