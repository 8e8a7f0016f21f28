"""Judges requests, responses and events against a provider's documented spec.

Every finding is a `Violation`: which operation, where (a JSON pointer into the body, or the
query/header/path parameter), what the documentation expects, what came, and one readable line.
Validators are compiled once per spec and reused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qs, quote

import jsonschema_rs
import orjson

from .specs import load_spec

JSON_TYPES = ("application/json",)
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_SHOWN = 120


@dataclass(frozen=True)
class Violation:
    """One way a message departs from the documented contract."""

    operation: str | None
    location: str
    expected: str
    got: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "location": self.location,
            "expected": self.expected,
            "got": self.got,
            "message": self.message,
        }


def shown(value: Any) -> str:
    """The value as JSON, so "5" and 5 read differently; long values are cut."""
    try:
        text = orjson.dumps(value, default=str).decode()
    except TypeError:  # integers past 64 bits: JSON allows them, orjson does not
        text = json.dumps(value, default=str)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def pointer(parts: Iterable[Any]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass
class Parameter:
    name: str
    location: str  # path, query, header, cookie
    required: bool
    validator: Any
    schema: dict[str, Any]


@dataclass
class Operation:
    operation_id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    parameters: list[Parameter]
    body_required: bool
    body_validators: dict[str, Any]
    responses: dict[str, dict[str, Any]]
    security: list[dict[str, list[str]]]
    # Worked out once at compile time, so judging a request does no spec lookups.
    security_query: frozenset[str] = frozenset()
    security_headers: frozenset[str] = frozenset()
    declared_query: frozenset[str] = frozenset()
    credential_options: tuple[tuple[tuple[str, str], ...], ...] | None = None  # None: no credentials needed
    # Other paths the provider answers this operation at (`x-telemock-path-aliases` on the path
    # item, each with its source), so a client that uses one is not told it left the contract.
    aliases: tuple[re.Pattern[str], ...] = ()


class Contract:
    """The compiled contract of one provider."""

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.spec = load_spec(provider)
        self.uri = f"urn:telemock:{provider}"
        self.registry = jsonschema_rs.Registry([(self.uri, self.spec)])
        self.schemes: dict[str, dict[str, Any]] = self.spec.get("components", {}).get("securitySchemes", {})
        self.operations: list[Operation] = []
        self.by_id: dict[str, Operation] = {}
        self.webhooks: dict[str, Any] = {}
        self._compile()

    # --- compilation ---------------------------------------------------------------------

    def ref(self, json_pointer: str) -> dict[str, str]:
        """A `$ref` to a place in this spec (the pointer percent-encoded, e.g. for path templates)."""
        return {"$ref": f"{self.uri}#{quote(json_pointer, safe='/~-._')}"}

    def _validator(self, json_pointer: str) -> Any:
        return jsonschema_rs.Draft202012Validator(self.ref(json_pointer), registry=self.registry, validate_formats=True)

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            node = self._at(node["$ref"].lstrip("#"))
        return node

    def _at(self, json_pointer: str) -> Any:
        node: Any = self.spec
        for part in json_pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def _compile(self) -> None:
        global_security = self.spec.get("security", [])
        for template, item in self.spec.get("paths", {}).items():
            item_pointer = pointer(["paths", template])
            shared = item.get("parameters", [])
            for method, operation in item.items():
                if method not in ("get", "put", "post", "delete", "patch", "head", "options"):
                    continue
                op_pointer = f"{item_pointer}/{method}"
                parameters = self._parameters(shared, f"{item_pointer}/parameters")
                own = self._parameters(operation.get("parameters", []), f"{op_pointer}/parameters")
                merged = {(p.location, p.name.lower()): p for p in parameters + own}
                compiled = Operation(
                    operation_id=operation.get("operationId", f"{method.upper()} {template}"),
                    method=method.upper(),
                    template=template,
                    pattern=self._path_pattern(template),
                    parameters=list(merged.values()),
                    body_required=False,
                    body_validators={},
                    responses={},
                    security=operation.get("security", global_security),
                    aliases=tuple(self._path_pattern(alias) for alias in item.get("x-telemock-path-aliases", ())),
                )
                body = self.resolve(operation.get("requestBody"))
                if body:
                    compiled.body_required = bool(body.get("required"))
                    body_pointer = self.ref_target(operation["requestBody"], f"{op_pointer}/requestBody")
                    for media, content in body.get("content", {}).items():
                        has_schema = "schema" in content
                        compiled.body_validators[media] = (
                            self._validator(f"{body_pointer}/content/{media.replace('/', '~1')}/schema") if has_schema else None
                        )
                for status, response in operation.get("responses", {}).items():
                    resolved = self.resolve(response)
                    response_pointer = self.ref_target(response, f"{op_pointer}/responses/{status}")
                    compiled.responses[str(status)] = {
                        media: (
                            self._validator(f"{response_pointer}/content/{media.replace('/', '~1')}/schema")
                            if "schema" in content
                            else None
                        )
                        for media, content in (resolved.get("content") or {}).items()
                    }
                self._plan_credentials(compiled)
                self.operations.append(compiled)
                self.by_id[compiled.operation_id] = compiled
        for name, item in (self.spec.get("webhooks") or {}).items():
            for method, operation in item.items():
                body = self.resolve(operation.get("requestBody")) if isinstance(operation, dict) else None
                if not body:
                    continue
                base = self.ref_target(operation["requestBody"], pointer(["webhooks", name, method, "requestBody"]))
                for media, content in body.get("content", {}).items():
                    if "schema" in content:
                        self.webhooks[name] = self._validator(f"{base}/content/{media.replace('/', '~1')}/schema")
                        break
        # Literal paths first, so /numbers/renew wins over /numbers/{id}.
        self.operations.sort(key=lambda op: op.template.count("{"))

    def _plan_credentials(self, operation: Operation) -> None:
        operation.security_query = frozenset(self._security_names("query", operation))
        operation.security_headers = frozenset(self._security_names("header", operation))
        operation.declared_query = frozenset(p.name for p in operation.parameters if p.location == "query")
        if not operation.security or any(not requirement for requirement in operation.security):
            operation.credential_options = None
            return
        operation.credential_options = tuple(
            tuple(self._credential_check(name) for name in requirement) for requirement in operation.security
        )

    def _credential_check(self, scheme_name: str) -> tuple[str, str]:
        """Where a scheme's credential must be present: (location, name or auth-scheme prefix)."""
        scheme = self.schemes.get(scheme_name, {})
        if scheme.get("type") == "http":
            return "authorization", scheme.get("scheme", "").lower() + " "
        if scheme.get("type") == "apiKey" and scheme.get("in") in ("query", "header", "cookie"):
            name = scheme.get("name", "")
            return scheme["in"], name.lower() if scheme["in"] == "header" else name
        return "never", ""

    def ref_target(self, node: Any, fallback: str) -> str:
        """The pointer of the object a $ref chain ends at, or where it stands itself."""
        target = fallback
        while isinstance(node, dict) and "$ref" in node:
            target = node["$ref"].lstrip("#")
            node = self._at(target)
        return target

    def _parameters(self, raw: list[Any], base: str) -> list[Parameter]:
        found = []
        for position, entry in enumerate(raw):
            where = self.ref_target(entry, f"{base}/{position}")
            parameter = self.resolve(entry)
            schema = parameter.get("schema", {})
            found.append(
                Parameter(
                    name=parameter["name"],
                    location=parameter["in"],
                    required=bool(parameter.get("required")) or parameter["in"] == "path",
                    validator=self._validator(f"{where}/schema") if "schema" in parameter else None,
                    schema=self.resolve(schema),
                )
            )
        return found

    @staticmethod
    def _path_pattern(template: str) -> re.Pattern[str]:
        parts = re.split(r"(\{[^}]+\})", template)
        regex = "".join(
            f"(?P<{p[1:-1].replace('-', '_')}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts
        )
        return re.compile(f"^{regex}$")

    # --- matching ------------------------------------------------------------------------

    def match(self, method: str, path: str, hint: str | None = None) -> tuple[Operation | None, dict[str, str]]:
        """The documented operation of a request; `hint` (an operationId the caller believes it
        is) is tried first, so a server that already routed the request skips the scan."""
        method = method.upper()
        if hint is not None:
            operation = self.by_id.get(hint)
            if operation is not None and operation.method == method:
                found = self._match_paths(operation, path)
                if found:
                    return operation, found.groupdict()
        for operation in self.operations:
            if operation.method != method:
                continue
            found = self._match_paths(operation, path)
            if found:
                return operation, found.groupdict()
        return None, {}

    @staticmethod
    def _match_paths(operation: Operation, path: str) -> re.Match[str] | None:
        found = operation.pattern.match(path)
        if found is None:
            for alias in operation.aliases:
                found = alias.match(path)
                if found is not None:
                    break
        return found

    # --- requests ------------------------------------------------------------------------

    def check_request(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes | None,
        operation_hint: str | None = None,
    ) -> tuple[str | None, list[Violation]]:
        """The operation a request was for, and everything it did differently from the docs.

        A `body` of None was never received (the server answered first) and is not judged.
        """
        operation, path_params = self.match(method, path, operation_hint)
        if operation is None:
            return None, [
                Violation(None, "path", "a documented operation", f"{method.upper()} {path}",
                          f"{method.upper()} {path} is not a documented operation of {self.provider}")
            ]
        op = operation.operation_id
        headers = {k.lower(): v for k, v in headers.items()}
        cookie_header = headers.get("cookie")
        cookies = parse_cookies(cookie_header) if cookie_header else {}
        violations = self._check_security(operation, query, headers, cookies)
        declared_query = operation.declared_query
        security_query = operation.security_query
        for name in query:
            if name not in declared_query and name not in security_query:
                violations.append(Violation(op, f"query.{name}", "no such parameter", shown(query[name]),
                                            f"query parameter {name!r} is not documented for {op}"))
        for parameter in operation.parameters:
            raw: Any
            if parameter.location == "path":
                raw = path_params.get(parameter.name.replace("-", "_"))
            elif parameter.location == "query":
                raw = query.get(parameter.name)
            elif parameter.location == "header":
                if parameter.name.lower() in operation.security_headers:
                    continue
                raw = headers.get(parameter.name.lower())
            else:
                raw = cookies.get(parameter.name)
            if raw is None or raw == []:
                if parameter.required:
                    where = f"{parameter.location}.{parameter.name}"
                    violations.append(Violation(op, where, "present", "absent", f"required {parameter.location} parameter {parameter.name!r} is missing"))
                continue
            if parameter.validator is not None:
                value = coerce(raw, parameter.schema)
                if not parameter.validator.is_valid(value):
                    violations += self._schema_violations(op, parameter.validator, value, f"{parameter.location}.{parameter.name}")
        if body is not None:
            violations += self._check_body(operation, headers.get("content-type", ""), body)
        return op, violations

    def check_body(self, operation_id: str, content_type: str, body: bytes) -> list[Violation]:
        """A received request body's departures from what `operation_id` documents (what
        `check_request` adds for the body, asked on its own)."""
        operation = self.by_id.get(operation_id)
        return [] if operation is None else self._check_body(operation, content_type, body)

    def _security_names(self, location: str, operation: Operation) -> set[str]:
        names = set()
        for requirement in operation.security:
            for scheme_name in requirement:
                scheme = self.schemes.get(scheme_name, {})
                if scheme.get("type") == "apiKey" and scheme.get("in") == location:
                    names.add(scheme["name"].lower() if location == "header" else scheme["name"])
                if scheme.get("type") == "http" and location == "header":
                    names.add("authorization")
        return names

    def _check_security(
        self, operation: Operation, query: Mapping[str, list[str]], headers: Mapping[str, str], cookies: Mapping[str, str]
    ) -> list[Violation]:
        if operation.credential_options is None:
            return []
        for requirement in operation.credential_options:
            if all(_credential_present(check, query, headers, cookies) for check in requirement):
                return []
        accepted = " or ".join(" + ".join(r) for r in operation.security)
        return [Violation(operation.operation_id, "security", accepted, "no credentials",
                          f"{operation.operation_id} needs credentials: {accepted}")]

    def _check_body(self, operation: Operation, content_type: str, body: bytes) -> list[Violation]:
        op = operation.operation_id
        if not operation.body_validators:
            return []
        if not body:
            if operation.body_required:
                return [Violation(op, "body", "a request body", "none", f"{op} requires a request body")]
            return []
        media = content_type.split(";", 1)[0].strip().lower()
        if media not in operation.body_validators:
            expected = ", ".join(operation.body_validators)
            return [Violation(op, "header.Content-Type", expected, media or "absent",
                              f"{op} documents a body of {expected}, not {media or 'no content type'}")]
        validator = operation.body_validators[media]
        try:
            value = parse_body(media, body)
        except ValueError as exc:
            return [Violation(op, "body", media, shown(body.decode("utf-8", "replace")), f"the body is not valid {media}: {exc}")]
        if validator is None or validator.is_valid(value):
            return []
        return self._schema_violations(op, validator, value, "body")

    # --- responses and events ------------------------------------------------------------

    def check_response(self, operation_id: str, status: int, content_type: str, body: bytes) -> list[Violation]:
        operation = self.by_id.get(operation_id)
        if operation is None:
            return [Violation(operation_id, "operation", "a documented operation", operation_id, f"{operation_id} is not documented")]
        responses = operation.responses
        key = next((k for k in (str(status), f"{str(status)[0]}XX", "default") if k in responses), None)
        if key is None:
            documented = ", ".join(responses)
            return [Violation(operation_id, "status", documented, str(status), f"{operation_id} does not document status {status} (documented: {documented})")]
        content = responses[key]
        if not content:
            if body:
                return [Violation(operation_id, "body", "no body", shown(body.decode("utf-8", "replace")), f"status {status} of {operation_id} has no documented body")]
            return []
        media = content_type.split(";", 1)[0].strip().lower()
        if media not in content:
            return [Violation(operation_id, "header.Content-Type", ", ".join(content), media or "absent", f"status {status} of {operation_id} is documented as {', '.join(content)}")]
        validator = content[media]
        if validator is None:
            return []
        try:
            value = parse_body(media, body)
        except ValueError as exc:
            return [Violation(operation_id, "body", media, shown(body[:200].decode("utf-8", "replace")), f"the response body is not valid {media}: {exc}")]
        return self._schema_violations(operation_id, validator, value, "body")

    def check_event(self, name: str, event: Any) -> list[Violation]:
        """An outgoing webhook message against the spec's `webhooks:` entry of that name."""
        validator = self.webhooks.get(name)
        if validator is None:
            return [Violation(name, "webhook", ", ".join(sorted(self.webhooks)), name, f"{name} is not a documented webhook of {self.provider}")]
        if isinstance(event, (bytes, str)):
            event = orjson.loads(event)
        return self._schema_violations(name, validator, event, "body")

    @staticmethod
    def _schema_violations(operation: str, validator: Any, value: Any, base: str) -> list[Violation]:
        found = []
        for error in validator.iter_errors(value):
            path = list(error.instance_path)
            location = base + (pointer(path) if path else "")
            keyword = error.schema_path[-1] if error.schema_path else "schema"
            found.append(Violation(operation, location, str(keyword), shown(error.instance), error.message))
        return found


def _credential_present(
    check: tuple[str, str], query: Mapping[str, list[str]], headers: Mapping[str, str], cookies: Mapping[str, str]
) -> bool:
    where, name = check
    if where == "authorization":
        return headers.get("authorization", "").lower().startswith(name)
    if where == "query":
        return bool(query.get(name))
    if where == "header":
        return bool(headers.get(name))
    if where == "cookie":
        return bool(cookies.get(name))
    return False


def parse_cookies(header: str) -> dict[str, str]:
    cookies = {}
    for item in header.split(";"):
        name, sep, value = item.strip().partition("=")
        if sep:
            cookies[name] = value
    return cookies


def parse_body(media: str, body: bytes) -> Any:
    if media in JSON_TYPES or media.endswith("+json"):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            try:  # orjson refuses integers past 64 bits, which JSON itself allows
                return json.loads(body)
            except (ValueError, RecursionError):
                raise ValueError(str(exc)) from None
    if media == FORM_TYPE:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(str(exc)) from None
        return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(text, keep_blank_values=True).items()}
    return body.decode("utf-8", "replace")


def coerce(raw: Any, schema: Mapping[str, Any]) -> Any:
    """Query, path and header values arrive as strings; read them as the schema's type says."""
    types = schema.get("type")
    type_list = types if isinstance(types, list) else [types]
    values = raw if isinstance(raw, list) else [raw]
    if "array" in type_list:
        if len(values) == 1 and isinstance(values[0], str) and "," in values[0]:
            values = values[0].split(",")
        item_schema = schema.get("items", {})
        return [coerce(v, item_schema) for v in values]
    value = values[-1] if values else None
    if not isinstance(value, str):
        return value
    for kind in type_list:
        if kind == "integer" and re.fullmatch(r"-?\d+", value):
            return int(value)
        if kind == "number":
            try:
                return float(value) if not re.fullmatch(r"-?\d+", value) else int(value)
            except ValueError:
                continue
        if kind == "boolean" and value in ("true", "false"):
            return value == "true"
        if kind == "null" and value == "":
            return None
    return value


@lru_cache(maxsize=None)
def contract_for(provider: str) -> Contract:
    """Compiled once per process; cheap to call on every request."""
    return Contract(provider)
