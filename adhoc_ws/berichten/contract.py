"""RvIG's published contract of the Berichten API, in ``rvig/`` as published, and its use.

- :func:`check` validates a message's ``berichtInhoud`` against the JSON schema of its
  berichtType in ``berichten.schema.json`` (``#/$defs/berichtsoorten/$defs/<type>Bericht``),
  with the maintained ``jsonschema`` library, and names every failing field.
- :func:`openapi_document` is the OpenAPI document ``openapi.brp-berichten-api-v1.yaml`` as
  served: the message schemas it refers to in other files bundled into its components, so
  that it stands alone, and two slips of the published file mended so that it is valid
  OpenAPI 3.1 (the ``soort`` query parameter of ``/berichten/telling`` has ``style: simple``,
  which only path and header parameters may have: ``form``, its default, is served; the
  ``status`` of the BBA-AUTH problems has the number 401 as description: a text is served).
  ``POST /berichten/conversie`` (LO3 ⇄ JSON), which adhoc-ws does not serve, is left out.
  Where the document tells problems apart by a ``oneOf`` with a discriminator mapping on
  ``type``, their schemas do not differ, so no problem would match exactly one: there each
  alternative also requires the ``type`` the mapping gives it. The demo environment's OAuth
  scheme names adhoc-ws's own token endpoint.

``berichten.schema.json`` refers to four more files of RvIG's repository that the reference
set does not hold. Of ``persoonslijst.schema.json`` the messages here use one element, the
BSN (``E0120``: 9 digits): that part is copied below from RvIG's 2026Q4 file. The PL data of
messages such as Og11 and Lg01 (``persoonslijst-data.schema.json``), the autorisatietabel
and the landelijke tabellen are not checked element by element: those stand-ins allow
anything.

RvIG's own example ``Og21.json`` writes ``vorigeRechtsfeit`` as one id where the schema wants
a list of ids. Both are accepted: the check sees a single id as a list of one; the message
is delivered as it was sent.
"""
from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

RVIG = Path(__file__).parent / "rvig"
OPENAPI = "openapi.brp-berichten-api-v1.yaml"
BERICHTEN = "berichten.schema.json"
SCHEMA_FILES = (BERICHTEN, "rechtspraak.schema.json")
# copied from RvIG's persoonslijst.schema.json (2026Q4): the one element messages here use
PERSOONSLIJST_EXCERPT = {
    "$defs": {
        "E0120": {"type": "string", "title": "Burgerservicenummer", "$ref": "#/$defs/BSNRegex"},
        "BSNRegex": {"pattern": "^[0-9]{9}$"},
    }
}
STAND_INS = {"persoonslijst.schema.json": PERSOONSLIJST_EXCERPT, "persoonslijst-data.schema.json": {},
             "autorisatietabel-data.schema.json": {}, "tabellen.schema.json": {}}
MAX_PROBLEMS = 50


@cache
def _file(name: str) -> dict:
    return json.loads((RVIG / name).read_text(encoding="utf-8"))


def _schemas() -> dict[str, dict]:
    """Every schema file berichten.schema.json refers to, by name."""
    return {name: _file(name) for name in SCHEMA_FILES} | STAND_INS


@cache
def _base() -> str:
    return _file(BERICHTEN)["$id"].rsplit("/", 1)[0] + "/"


@cache
def _registry() -> Registry:
    """The files at the URIs berichten.schema.json's relative references resolve to."""
    return Registry().with_resources(
        (_base() + name if name != BERICHTEN else _file(BERICHTEN)["$id"],
         Resource.from_contents(contents, default_specification=DRAFT202012))
        for name, contents in _schemas().items())


@cache
def bericht_types() -> dict[str, str]:
    """Every berichtType of the schema, by its lower-case name: ``{"og21": "Og21", …}``."""
    names = _file(BERICHTEN)["$defs"]["berichtsoorten"]["$defs"]
    return {name[:-len("Bericht")].lower(): name[:-len("Bericht")] for name in names}


@cache
def _validator(bericht_type: str) -> Draft202012Validator:
    ref = f"{_file(BERICHTEN)['$id']}#/$defs/berichtsoorten/$defs/{bericht_type}Bericht"
    return Draft202012Validator({"$ref": ref}, registry=_registry())


def check(bericht_type: str, inhoud) -> list[dict]:
    """The failing fields of ``inhoud`` as a message of ``bericht_type`` (a name of
    :func:`bericht_types`), as invalidParameters: ``{"key": "berichtInhoud.…", "value": why}``."""
    found: dict[tuple[str, str], None] = {}
    for error in _validator(bericht_type).iter_errors(_as_published(bericht_type, inhoud)):
        for key, value in _explain(error):
            found[(key, value)] = None
        if len(found) >= MAX_PROBLEMS:
            break
    return [{"key": k, "value": v} for k, v in sorted(found)]


def _as_published(bericht_type: str, inhoud):
    """An Og21 with ``vorigeRechtsfeit`` as one id, read as a list of one (RvIG's example)."""
    if bericht_type != "Og21" or not isinstance(inhoud, dict):
        return inhoud
    inhoud = copy.deepcopy(inhoud)
    for key in ("nieuweRechtsfeiten", "eerdereRechtsfeiten"):
        for rechtsfeit in inhoud.get(key) if isinstance(inhoud.get(key), list) else []:
            if isinstance(rechtsfeit, dict) and isinstance(rechtsfeit.get("vorigeRechtsfeit"), str):
                rechtsfeit["vorigeRechtsfeit"] = [rechtsfeit["vorigeRechtsfeit"]]
    return inhoud


def _path(parts) -> str:
    text = "berichtInhoud"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _explain(error) -> list[tuple[str, str]]:
    """(field, Dutch reason) for one jsonschema error (the validator's own words otherwise)."""
    if error.context:  # anyOf/oneOf: the reasons of the alternatives
        return [pair for sub in error.context for pair in _explain(sub)]
    where, kind, limit = list(error.absolute_path), error.validator, error.validator_value
    if kind == "required" and isinstance(error.instance, dict):
        return [(_path(where + [name]), "Het veld is verplicht")
                for name in limit if name not in error.instance]
    if kind in ("additionalProperties", "unevaluatedProperties") and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        return [(_path(where + [name]), "Het veld is niet toegestaan")
                for name in error.instance if name not in known]
    reasons = {
        "type": lambda: f"Het veld moet van het type {limit if isinstance(limit, str) else ' of '.join(limit)} zijn",
        "maxLength": lambda: f"Het veld mag niet langer zijn dan {limit} karakters",
        "minLength": lambda: f"Het veld moet minstens {limit} karakters lang zijn",
        "pattern": lambda: f"Het veld voldoet niet aan het patroon {limit}",
        "maxItems": lambda: f"Het veld mag niet meer dan {limit} elementen bevatten",
        "minItems": lambda: f"Het veld moet minstens {limit} elementen bevatten",
        "enum": lambda: f"Het veld moet een van deze waarden hebben: {', '.join(map(str, limit))}",
        "const": lambda: f"Het veld moet de waarde {limit} hebben",
    }
    return [(_path(where), reasons[kind]() if kind in reasons else error.message)]


# -- the served OpenAPI document ------------------------------------------------------------

class _Yaml(yaml.SafeLoader):
    """YAML as JSON sees it: a date-time (``2024-09-17T09:00:35.374057729+02:00``) stays text."""


_Yaml.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


@cache
def _bundled() -> dict:
    document = yaml.load((RVIG / OPENAPI).read_text(encoding="utf-8"), Loader=_Yaml)
    components = document["components"]["schemas"]
    for name, schema in _schemas().items():
        schema = {k: v for k, v in schema.items() if k not in ("$id", "$schema", "$version")}
        components[name] = _rebased(schema, name)
    del document["paths"]["/berichten/conversie"]  # LO3 <-> JSON: not served by adhoc-ws
    for parameter in document["paths"]["/berichten/telling"]["get"]["parameters"]:
        if parameter["in"] == "query" and parameter.get("style") == "simple":
            parameter["style"] = "form"
    foutmeldingen = document["components"]["schemas"]["Foutmeldingen"]
    for problem in foutmeldingen["AUTH"].values():
        status = problem["properties"]["status"]
        status["description"] = str(status["description"])
    return _rebased(_discriminated(document), None)


def _discriminated(value):
    """``value`` with each ``oneOf`` that a discriminator mapping on ``type`` tells apart
    made exclusive: every alternative requires the ``type`` its mapping names."""
    if isinstance(value, list):
        return [_discriminated(v) for v in value]
    if not isinstance(value, dict):
        return value
    result = {k: _discriminated(v) for k, v in value.items()}
    discriminator = value.get("discriminator") or {}
    if "oneOf" in value and discriminator.get("propertyName") == "type" and discriminator.get("mapping"):
        by_ref = {ref: uri for uri, ref in discriminator["mapping"].items()}
        result["oneOf"] = [{"allOf": [alternative, {"properties": {"type": {"const": by_ref[alternative["$ref"]]}}}]}
                           if alternative.get("$ref") in by_ref else alternative
                           for alternative in result["oneOf"]]
    return result


def _rebased(value, current: str | None):
    """``value`` with every ``$ref`` into a schema file pointing at its copy in the components
    (``current``: the file the value comes from, None for the OpenAPI document)."""
    if isinstance(value, list):
        return [_rebased(v, current) for v in value]
    if not isinstance(value, dict):
        return value
    result = {k: _rebased(v, current) for k, v in value.items()}
    ref = value.get("$ref")
    if isinstance(ref, str):
        target, _, fragment = ref.partition("#")
        name = target.rsplit("/", 1)[-1] if target else current
        if name is not None:
            result["$ref"] = f"#/components/schemas/{name}{fragment}"
    return result


def openapi_document(server: str, token_url: str | None = None) -> dict:
    """The OpenAPI document as served, with ``server`` as its one server URL and, when given,
    ``token_url`` as the token URL of the demo environment's OAuth scheme (the one a client
    of adhoc-ws uses, :mod:`adhoc_ws.oauth`)."""
    document = dict(_bundled(), servers=[{"url": server, "description": "adhoc-ws"}])
    if token_url:
        document = copy.deepcopy(document)
        document["components"]["securitySchemes"]["DemoOAuth"]["flows"]["clientCredentials"]["tokenUrl"] = token_url
    return document
