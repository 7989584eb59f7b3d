"""Every environment variable the settings or the gunicorn configuration read is documented
in docs/deploy.md (production is configured by the environment only)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READS = re.compile(r"""(?:\benv(?:_bool|_int|_list)?|environ\.get)\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def variables_read_by(path: Path) -> set[str]:
    return set(READS.findall(path.read_text()))


def test_every_settings_variable_is_documented_in_deploy_md():
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", (ROOT / "docs" / "deploy.md").read_text()))
    read = variables_read_by(ROOT / "ppid" / "settings.py")
    read |= variables_read_by(ROOT / "deploy" / "gunicorn.conf.py")
    assert len(read) > 40  # the pattern still finds the settings' env() calls
    assert read - documented == set(), "document these in docs/deploy.md"
