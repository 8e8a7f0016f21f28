"""The documented contract held against the official SDK (`voiceos` 0.8.1.3, generated from document 0.8.0).

Every operation of the SDK is in the spec with its method, path, query parameters and statuses;
every SDK model has a spec schema with the same properties and the same `required`; a field the
document gives no default accepts `null` (pydantic and the SDK take it as optional), a field
with a documented default does not; every SDK enum has the same values. Where the spec departs
on purpose, the departure is listed here with its source (contracts/specs/README.md explains each).
"""

from __future__ import annotations

import enum
import inspect
import re
from typing import Any

import pytest

voiceos = pytest.importorskip("voiceos", reason="the official VoiceOS SDK (PyPI `voiceos`) is a test dependency")

import voiceos.models as sdk_models  # noqa: E402
from jsonschema import Draft202012Validator  # noqa: E402
from pydantic import BaseModel  # noqa: E402
from voiceos.api import AgentsApi, ConversationsApi, DefaultApi, PhoneNumbersApi  # noqa: E402
from test_voiceos.conftest import REGISTRY  # noqa: E402
from test_voiceos.demo import SPEC  # noqa: E402

SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

# SDK model → the spec schemas that describe it (requests and responses have their own where they differ).
MODEL_SCHEMAS = {
    "PhoneNumberWebhook": ["PhoneNumberWebhook", "PhoneNumberWebhookResponse"],
    "Webhook": ["Webhook", "WebhookResponse"],
    "AgentConfiguration": ["AgentConfiguration", "AgentConfigurationResponse"],
}
# The SDK's anyOf wrappers (Voice, Model1…) and error-location unions have no schema of their own.
WRAPPERS = {"actual_instance", "any_of_schemas"}
# Enums the generator named after the service's Python modules.
ENUM_NAMES = {f"WakoApiModels{name}": name for name in (
    "PhoneNumberProvider", "SynthesizerDeepgramModel", "TranscriberDeepgramModel", "SynthesizerProvider",
    "TranscriberProvider", "LanguageModelProvider",
)}
EXTRA_PROPERTIES = {
    # Documented by docs.voiceos.io, not by document 0.8.0 (a newer agent shape).
    "AgentConfiguration": {"hooks"},
    "UpdateAgent": {"hooks"},
    # Inferred: the service runs pydantic v2, whose validation errors carry these too.
    "ValidationError": {"input", "ctx"},
}
# Null has a documented meaning although the field has a default ("If null, … any duration").
NULL_WITH_MEANING = {"max_duration_seconds"}


def sdk_model_classes() -> dict[str, type[BaseModel]]:
    return {
        name: cls
        for name, cls in vars(sdk_models).items()
        if inspect.isclass(cls) and issubclass(cls, BaseModel) and not WRAPPERS & set(cls.model_fields)
    }


def flattened(name: str) -> tuple[set[str], dict[str, str]]:
    """`required` and property pointers of a schema, its allOf parts merged."""
    required: set[str] = set()
    properties: dict[str, str] = {}

    def walk(node: dict[str, Any], pointer: str) -> None:
        if "$ref" in node:
            target = node["$ref"].rsplit("/", 1)[1]
            walk(SCHEMAS[target], f"/components/schemas/{target}")
            return
        required.update(node.get("required", []))
        for key in node.get("properties", {}):
            properties[key] = f"{pointer}/properties/{key}"
        for position, part in enumerate(node.get("allOf", [])):
            walk(part, f"{pointer}/allOf/{position}")

    walk(SCHEMAS[name], f"/components/schemas/{name}")
    return required, properties


def accepts_null(pointer: str) -> bool:
    return Draft202012Validator({"$ref": f"urn:voiceos#{pointer}"}, registry=REGISTRY).is_valid(None)


MODELS = sdk_model_classes()
PAIRS = [(model, schema) for model in sorted(MODELS) for schema in MODEL_SCHEMAS.get(model, [model])]


def test_every_sdk_model_has_a_schema() -> None:
    assert sorted(p for m, p in PAIRS if p not in SCHEMAS) == []


@pytest.mark.parametrize(("model", "schema"), PAIRS, ids=[f"{m}-{s}" if m != s else m for m, s in PAIRS])
def test_schema_matches_the_sdk_model(model: str, schema: str) -> None:
    fields = MODELS[model].model_fields
    required, properties = flattened(schema)
    assert set(properties) - EXTRA_PROPERTIES.get(schema, set()) == set(fields)
    assert required == {name for name, info in fields.items() if info.is_required()}
    for name, info in fields.items():
        if info.is_required():
            continue
        nullable = info.default is None or name in NULL_WITH_MEANING
        assert accepts_null(properties[name]) == nullable, f"{schema}.{name}: null {'refused' if nullable else 'taken'}"


@pytest.mark.parametrize(
    "cls",
    [c for c in vars(sdk_models).values() if inspect.isclass(c) and issubclass(c, enum.Enum)],
    ids=lambda c: c.__name__,
)
def test_enum_matches_the_sdk(cls: type[enum.Enum]) -> None:
    schema = SCHEMAS[ENUM_NAMES.get(cls.__name__, cls.__name__)]
    assert schema["enum"] == [member.value for member in cls]


# --- operations -------------------------------------------------------------------------------------

API_CLASSES = (PhoneNumbersApi, AgentsApi, ConversationsApi, DefaultApi)
SERIALIZED = re.compile(r"method='(\w+)',\s*resource_path='([^']+)'")
STATUSES = re.compile(r"'(\d{3})': ")


def sdk_operations() -> list[tuple[str, str, str, set[str], set[str]]]:
    """(SDK method, HTTP method, path, query parameters, statuses) of every SDK operation."""
    found = []
    for api in API_CLASSES:
        for name, function in inspect.getmembers(api, inspect.isfunction):
            if name.startswith("_") or name.endswith(("_with_http_info", "_without_preload_content")):
                continue
            verb, path = SERIALIZED.search(inspect.getsource(getattr(api, f"_{name}_serialize"))).groups()
            in_path = set(re.findall(r"\{(\w+)\}", path))
            query = {
                parameter.name
                for parameter in inspect.signature(function).parameters.values()
                if parameter.name != "self" and not parameter.name.startswith("_") and parameter.name not in in_path
                and not (inspect.isclass(parameter.annotation) and issubclass(parameter.annotation, BaseModel))
                and "models" not in str(parameter.annotation)
            }
            statuses = set(STATUSES.findall(inspect.getsource(function)))
            found.append((f"{api.__name__}.{name}", verb.lower(), path, query, statuses))
    return found


def spec_operations() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (verb, path): operation
        for path, item in SPEC["paths"].items()
        for verb, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }


@pytest.mark.parametrize(("name", "verb", "path", "query", "statuses"), [pytest.param(*op, id=op[0]) for op in sdk_operations()])
def test_every_sdk_operation_is_documented_alike(name: str, verb: str, path: str, query: set[str], statuses: set[str]) -> None:
    operation = spec_operations().get((verb, path))
    assert operation is not None, f"{name}: {verb.upper()} {path} is not in the spec"
    item = SPEC["paths"][path]
    parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
    resolved = [SPEC["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in parameters]
    assert {p["name"] for p in resolved if p["in"] == "query"} == query
    assert statuses <= set(operation["responses"]), f"{name}: statuses {statuses - set(operation['responses'])} missing"


def test_the_spec_has_no_operation_the_sdk_lacks() -> None:
    sdk = {(verb, path) for _, verb, path, _, _ in sdk_operations()}
    assert set(spec_operations()) - sdk == set()
