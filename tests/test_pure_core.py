"""The pure core imports no Kafka, Faust or HTTP client and defines no coroutines."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "streams"
PURE = ["text", "tagging", "dedup", "alerts", "records"]
PURE_MODULES = ["pipeline.py", "annotate.py"]
FORBIDDEN = ("faust", "mode", "aiokafka", "kafka", "httpx", "aiohttp", "requests", "urllib3", "asyncio")


def _pure_files() -> list[Path]:
    files = [p for name in PURE for p in (PACKAGE / name).rglob("*.py")]
    return files + [PACKAGE / m for m in PURE_MODULES]


def test_pure_packages_exist() -> None:
    for name in PURE:
        assert (PACKAGE / name / "__init__.py").is_file(), name


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_forbidden_imports_or_async(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            assert not isinstance(node, ast.AsyncFunctionDef), f"async def in {path}"
            continue
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN, f"{path} imports {name}"


def test_importing_pure_core_loads_no_forbidden_module() -> None:
    # Transitive check: import every pure package in a fresh interpreter.
    code = (
        "import sys\n"
        + "".join(f"import streams.{name}\n" for name in PURE)
        + "import streams.pipeline, streams.annotate\n"
        + f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
