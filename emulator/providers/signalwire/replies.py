"""Judging what a handler URL answered: a cXML `<Response>` document, or a SWML document.

SignalWire runs what comes back; a reply it cannot run ends the call with an application
error. The emulator runs nothing, so it only says whether the reply could have been run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

import orjson
import yaml


@dataclass
class Verdict:
    """`valid` with the document's top-level verbs, or the reason it could not be run."""

    valid: bool
    problem: str | None = None
    verbs: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "problem": self.problem, "verbs": self.verbs}


def check_cxml(text: str) -> Verdict:
    """A well-formed XML document whose root is `<Response>` (names are case-sensitive)."""
    if not text.strip():
        return Verdict(False, "the reply is empty; a cXML <Response> document was expected")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        return Verdict(False, f"the reply is not well-formed XML ({exc}); a cXML <Response> document was expected")
    if root.tag != "Response":
        return Verdict(False, f"the root element is <{root.tag}>, not <Response>")
    return Verdict(True, verbs=[str(child.tag) for child in root])


def swml_document(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """A JSON or YAML object with `sections.main` as a list of steps, or why the reply is none."""
    if not text.strip():
        return None, "the reply is empty; a SWML document was expected"
    document: Any
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError:
            return None, "the reply is neither JSON nor YAML; a SWML document was expected"
    if not isinstance(document, dict):
        return None, "the reply is not a SWML document (an object with `sections`)"
    sections = document.get("sections")
    if not isinstance(sections, dict) or not isinstance(sections.get("main"), list):
        return None, "the SWML document has no `sections.main` list of steps"
    return document, None


def check_swml(text: str) -> Verdict:
    document, problem = swml_document(text)
    if document is None:
        return Verdict(False, problem)
    steps = document["sections"]["main"]
    verbs = [next(iter(step)) if isinstance(step, dict) and step else str(step) for step in steps]
    return Verdict(True, verbs=[str(verb) for verb in verbs])
