"""The JSON Schema of ``incident.yaml``, for editors (yaml-language-server, VS Code)."""

from __future__ import annotations

from typing import Any

from hotwash.model import Incident

SCHEMA_ID = "https://hotwash.dev/schema/incident.json"


def incident_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) that validates an incident document."""
    schema = Incident.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["description"] = (
        "A Hotwash post-mortem. Times are ISO 8601 with Z or an offset; a time without a "
        "zone is accepted only when the document declares `timezone:`."
    )
    return schema
