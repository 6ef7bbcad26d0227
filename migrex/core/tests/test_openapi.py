"""schemathesis against the published OpenAPI document, all its phases (examples, coverage,
fuzzing, stateful), over real HTTP to a real node process, with an officer's bearer token: no
server error, and every answer as the document says (status, content type, headers, body).

Left out is `positive_data_acceptance`: the document cannot express the agreement's own rules
(an authority code must exist, a person's fields must be Art. 6 ones), so a body that fits the
schema may still be refused with a 422 that names the field and the article — as it should.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from migrex.conftest import DRAFT
from migrex.shell.nodes import Api, LocalNode

pytestmark = pytest.mark.nodes

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
CHECKS_LEFT_OUT = "positive_data_acceptance"
EXAMPLES = 15  # per operation and phase; the whole run stays well under two minutes


@pytest.fixture(scope="module")
def node(tmp_path_factory, node_databases):
    node = LocalNode(
        "KZ", tmp_path_factory.mktemp("openapi") / "kz", database_url=node_databases[0]
    )
    node.prepare()
    node.start(worker=False)
    # Drafts with the ids 1 and 2, so that the operations on one case reach past the 404 (the
    # coverage phase tries the smallest id the document allows).
    operator = Api(node, "kz-operator")
    for summary in ("Первый запрос", "Второй запрос"):
        operator.ok("POST", "/cases", {**DRAFT, "summary": summary})
    yield node
    node.stop()


def test_the_api_keeps_to_its_openapi_document_under_schemathesis(node, tmp_path):
    token = node.token("kz-operator")
    ARTIFACTS.mkdir(exist_ok=True)
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("st")),
            "run",
            f"{node.url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--checks",
            "all",
            "--exclude-checks",
            CHECKS_LEFT_OUT,
            "--max-examples",
            str(EXAMPLES),
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--request-timeout",
            "30",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = done.stdout + done.stderr
    (ARTIFACTS / "schemathesis.txt").write_text(report)
    assert done.returncode == 0, report[-12000:]
    assert "Tested: 24" in report  # every operation: consents, signatory lists, officers too
    for phase in ("Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in report, report[-3000:]
