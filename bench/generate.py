"""Generate a realistic, deterministic govcheck estate for benchmarks.

Usage:
    python bench/generate.py OUT_DIR --entities N [--layout files|bundled]
                             [--defects 0.01] [--seed 1]

N entities are split among Team (~4%), Person (~16%), System (~10%),
Dataset (~30%) and Integration (~40%).  With ``--defects 0`` (the default)
every document is valid per the govcheck v1 contract and passes every
built-in rule GOV000-GOV018 when checked with ``--as-of 2027-01-15``
(see AS_OF below; reviews are recent, interval P12M, so "today" works too
for about half a year past that date).

``--layout files`` writes one file per entity in kind folders (teams/,
people/, systems/, datasets/, integrations/), split into part-NNN/
subfolders so that no folder holds more than ~400 files.  ``--layout
bundled`` writes multi-document files (``---``) of ~20 entities each.

``--defects 0.01`` plants about one defect per 100 entities, each drawn from
the rule table (a missing fallback, a dangling reference, a dataset with two
owners, a bad schedule, an unknown key, a moved field that does not exist,
...).  The list of planted defects is printed; nothing but YAML is written
into OUT_DIR, because OUT_DIR is checked as an estate.

The module is also imported by history.py and run.py (``build_estate``,
``write_estate``, ``render_entity``).  It needs nothing but the standard
library and writes the YAML itself.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from typing import Any

AS_OF = dt.date(2027, 1, 15)          # the date run.py passes as --as-of
API_VERSION = "govcheck/v1"
FOLDER_LIMIT = 400                    # files (or bundles) per folder at most
BUNDLE_SIZE = 20                      # documents per multi-document file

SHARES = [("Team", 0.04), ("Person", 0.16), ("System", 0.10), ("Dataset", 0.30),
          ("Integration", 0.40)]
KIND_FOLDER = {"Team": "teams", "Person": "people", "System": "systems",
               "Dataset": "datasets", "Integration": "integrations"}

FUNCTIONS = ["marketing", "sales", "operations", "finance", "technology", "data",
             "support", "digital", "executive", "other"]
TEAM_FLAVOURS = ["core", "ops", "platform", "emea", "americas", "apac", "insights",
                 "enablement", "services", "growth"]
CATEGORIES = ["website", "mobile-app", "crm", "erp", "ecommerce", "marketing-automation",
              "booking", "support", "finance", "data-warehouse", "reporting", "ipaas",
              "other"]
VENDORS = {
    "website": ["Contentful", "WordPress", "Sitecore"], "mobile-app": ["In-house", "Expo"],
    "crm": ["Salesforce", "HubSpot", "Dynamics 365"], "erp": ["SAP", "NetSuite", "Odoo"],
    "ecommerce": ["Shopify", "Magento", "commercetools"],
    "marketing-automation": ["Marketo", "Braze", "Mailchimp"],
    "booking": ["Mindbody", "Calendly", "Opera"], "support": ["Zendesk", "Freshdesk"],
    "finance": ["Xero", "QuickBooks", "Sage"], "data-warehouse": ["Snowflake", "BigQuery"],
    "reporting": ["Looker", "Power BI", "Tableau"], "ipaas": ["Workato", "MuleSoft", "Zapier"],
    "other": ["In-house", "Airtable"],
}
DATA_NOUNS = ["customer", "lead", "order", "invoice", "product", "price", "booking",
              "ticket", "contact", "account", "subscription", "payment", "shipment",
              "campaign", "consent", "refund", "stock-level", "supplier", "employee",
              "contract", "opportunity", "quote", "event", "review", "voucher"]
FIRST = ["ada", "ben", "chloe", "dev", "elena", "farid", "grace", "hugo", "ines", "jon",
         "kemi", "liam", "maya", "nils", "omar", "priya", "quinn", "rosa", "sam", "tara",
         "umar", "vera", "wei", "xena", "yusuf", "zoe"]
LAST = ["adams", "berg", "costa", "dubois", "evans", "fischer", "garcia", "haddad",
        "ito", "jensen", "kowalski", "lopez", "moreau", "nakamura", "okafor", "patel",
        "quist", "rossi", "silva", "tanaka", "ueda", "varga", "weber", "xu", "young",
        "zhang"]
FIELD_WORDS = ["id", "email", "name", "status", "created_at", "updated_at", "amount",
               "currency", "country", "phone", "tier", "channel", "source", "notes",
               "quantity", "sku", "birth_date", "address", "region", "score", "owner_id",
               "external_ref", "tags", "metadata", "is_active", "discount", "tax_rate",
               "due_date", "language", "segment", "postcode", "city", "vat_number"]
FIELD_TYPES = ["string", "integer", "number", "boolean", "date", "datetime", "enum",
               "object", "array"]
PII_WORDS = {"email", "name", "phone", "birth_date", "address", "postcode", "city"}
SCHEDULES: list[dict[str, str]] = [{"every": "PT15M"}, {"every": "PT1H"}, {"every": "PT4H"},
                                   {"every": "P1D"}, {"cron": "0 2 * * *"},
                                   {"cron": "*/30 * * * *"}, {"cron": "15 6 * * 1-5"}]
METRICS = [("median sync latency", "6h", "15m"), ("failed syncs per week", "40", "5"),
           ("manual re-keying hours per week", "12", "1"),
           ("orders invoiced same day", "70%", "98%"), ("duplicate records", "3%", "0.5%")]


class Date(str):
    """A date written as a plain (unquoted) YAML scalar, as users write them."""


@dataclass
class Entity:
    kind: str
    name: str
    doc: dict[str, Any]
    path: str = ""                    # relative path inside the estate (files layout)

    @property
    def ref(self) -> str:
        return f"{self.kind.lower()}/{self.name}"


@dataclass
class Estate:
    entities: list[Entity]
    defects: list[tuple[str, str, str]] = field(default_factory=list)  # (rule, entity, what)
    seed: int = 1

    def of(self, kind: str) -> list[Entity]:
        return [e for e in self.entities if e.kind == kind]


# --------------------------------------------------------------------------- YAML out

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.@/+-]*(:[a-z0-9][a-z0-9_.-]*)?"
                    r"( [A-Za-z0-9_.@/()%+-]+)*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "nan", "inf"}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Date):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED and len(text) < 90:
        return text
    return json.dumps(text)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


WIDTH = 80                            # flow collections only where the line fits


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = "  " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            room = WIDTH - len(pad) - len(key) - 2
            if _is_scalar(item) or (isinstance(item, (list, dict)) and not item) or isinstance(item, list) and all(_is_scalar(v) for v in item) \
                    and len(_flow(item)) <= room or isinstance(item, dict) and all(_is_scalar(v) for v in item.values()) \
                    and len(_flow(item)) <= min(room, 60):
                out.append(f"{pad}{key}: {_flow(item)}")
            else:
                out.append(f"{pad}{key}:")
                _emit(item, indent + 1, out)
    elif isinstance(value, list):
        for item in value:
            flat = _flow(item)
            simple = isinstance(item, dict) and all(
                _is_scalar(v) or (isinstance(v, list) and all(map(_is_scalar, v)))
                for v in item.values())
            if _is_scalar(item) or (simple and len(pad) + 2 + len(flat) <= WIDTH):
                out.append(f"{pad}- {flat}")
            elif isinstance(item, dict):
                sub: list[str] = []
                _emit(item, indent + 1, sub)
                sub[0] = f"{pad}- " + sub[0][len(pad) + 2:]
                out.extend(sub)
            else:
                out.append(f"{pad}-")
                _emit(item, indent + 1, out)
    else:
        out.append(pad + _scalar(value))


def render_entity(entity: Entity) -> str:
    out: list[str] = []
    _emit(entity.doc, 0, out)
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------- the model

def split_counts(n: int) -> dict[str, int]:
    if n < 10:
        raise SystemExit("generate.py: --entities must be at least 10")
    counts = {kind: int(n * share) for kind, share in SHARES}
    counts["Team"] = max(counts["Team"], 2)
    counts["Person"] = max(counts["Person"], counts["Team"])
    counts["System"] = max(counts["System"], 2)
    counts["Dataset"] = max(counts["Dataset"], 1)
    rest = n - sum(counts.values())
    counts["Integration"] += rest
    if counts["Integration"] < 0:
        raise SystemExit("generate.py: --entities too small")
    return counts


def _date(rng: random.Random, lo_days: int, hi_days: int) -> Date:
    return Date((AS_OF - dt.timedelta(days=rng.randint(lo_days, hi_days))).isoformat())


def _metadata(name: str, title: str | None = None, description: str | None = None,
              labels: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if title:
        meta["title"] = title
    if description:
        meta["description"] = description
    if labels:
        meta["labels"] = labels
    return meta


class Builder:
    """Builds a valid estate; keeps indexes so history.py can extend it validly."""

    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.counts = split_counts(n)
        self.seed = seed
        self.teams: list[Entity] = []
        self.people: list[Entity] = []
        self.systems: list[Entity] = []
        self.datasets: list[Entity] = []
        self.integrations: list[Entity] = []
        self.team_function: dict[str, str] = {}
        self.team_members: dict[str, list[str]] = {}
        self.sys_index: dict[str, int] = {}
        self.sys_has_api: dict[str, bool] = {}
        self.ds_by_sor: dict[str, list[Entity]] = {}
        self.shared: list[Entity] = []     # datasets synced only by bidirectional links
        self.sor_names: list[str] = []
        self.ds_fields: dict[str, list[dict[str, Any]]] = {}
        self.serial = 0

    # -- people and teams
    def build(self) -> Estate:
        c = self.counts
        for i in range(c["Team"]):
            self.add_team(i)
        for i in range(c["Person"]):
            self.add_person(i)
        for t in self.teams:
            t.doc["spec"]["members"] = self.team_members[t.name]
        for i in range(c["System"]):
            self.add_system(i)
        for i in range(c["Dataset"]):
            self.add_dataset(i)
        for _ in range(c["Integration"]):
            self.add_integration()
        return Estate(self.teams + self.people + self.systems + self.datasets +
                      self.integrations, seed=self.seed)

    def add_team(self, i: int) -> Entity:
        function = FUNCTIONS[i % len(FUNCTIONS)]
        name = f"{function}-{TEAM_FLAVOURS[(i // len(FUNCTIONS)) % len(TEAM_FLAVOURS)]}"
        if i >= len(FUNCTIONS) * len(TEAM_FLAVOURS):
            name += f"-{i}"
        spec: dict[str, Any] = {"function": function, "members": []}
        if self.rng.random() < 0.8:
            spec["github"] = f"acme/{name}"
        spec["contact"] = f"#{name}"
        e = Entity("Team", name, {"apiVersion": API_VERSION, "kind": "Team",
                                  "metadata": _metadata(name, name.replace("-", " ").title()),
                                  "spec": spec})
        self.teams.append(e)
        self.team_function[name] = function
        self.team_members[name] = []
        return e

    def add_person(self, i: int) -> Entity:
        first, last = FIRST[i % 26], LAST[(i // 26) % 26]
        name = f"{first}-{last}" + (f"-{i // 676}" if i >= 676 else "")
        # the first len(teams) people guarantee every team a member
        team = self.teams[i % len(self.teams)] if i < len(self.teams) \
            else self.rng.choice(self.teams)
        spec: dict[str, Any] = {"email": f"{name.replace('-', '.')}@example.com"}
        if self.rng.random() < 0.85:
            spec["github"] = f"{first}{last}{i}"
        spec["team"] = team.name
        e = Entity("Person", name, {"apiVersion": API_VERSION, "kind": "Person",
                                    "metadata": _metadata(name, f"{first.title()} "
                                                                f"{last.title()}"),
                                    "spec": spec})
        self.people.append(e)
        self.team_members[team.name].append(name)
        return e

    def add_system(self, i: int) -> Entity:
        rng = self.rng
        category = CATEGORIES[i % len(CATEGORIES)] if i < len(CATEGORIES) \
            else rng.choice(CATEGORIES)
        vendor = rng.choice(VENDORS[category])
        name = f"{category}-{i}" if i >= len(CATEGORIES) else category
        spec: dict[str, Any] = {
            "category": category,
            "role": f"Runs {category.replace('-', ' ')} processes for business unit {i % 17}",
            "owner": rng.choice(self.teams).name,
            "vendor": vendor,
        }
        r = rng.random()
        if r < 0.1:
            spec["lifecycle"] = {"status": "deprecated", "contract_end": Date("2027-09-30"),
                                 "exit_plan": "Move the integrations to the successor "
                                              "platform and archive"}
        elif r < 0.4:
            spec["lifecycle"] = {"status": "active",
                                 "contract_end": Date(f"{2029 + rng.randint(0, 3)}-06-30")}
        has_api = rng.random() < 0.85
        if has_api:
            spec["api"] = {"rate_limit": {"requests": rng.choice([100, 1000, 100000, 250000]),
                                          "per": rng.choice(["second", "minute", "day"])},
                           "availability": rng.choice([99.5, 99.9, 99.95])}
        if rng.random() < 0.15:
            spec["manual_workarounds"] = [{
                "description": "Staff export records weekly into a spreadsheet",
                "team": rng.choice(self.teams).name, "hours_per_week": rng.randint(1, 8)}]
        e = Entity("System", name, {"apiVersion": API_VERSION, "kind": "System",
                                    "metadata": _metadata(name, f"{vendor} ({category})",
                                                          labels={"tier": rng.choice(
                                                              ["gold", "silver", "bronze"])}),
                                    "spec": spec})
        self.systems.append(e)
        self.sys_index[name] = i
        self.sys_has_api[name] = has_api
        return e

    def make_fields(self, noun: str, pii_ok: bool) -> list[dict[str, Any]]:
        rng = self.rng
        count = rng.randint(5, 15)
        words = ["id"] + rng.sample(FIELD_WORDS[1:], count - 1)
        fields = []
        for w in words:
            if w == "id":
                f: dict[str, Any] = {"name": "id", "type": "string", "required": True}
            else:
                ftype = {"created_at": "datetime", "updated_at": "datetime",
                         "birth_date": "date", "due_date": "date", "amount": "number",
                         "quantity": "integer", "is_active": "boolean", "tags": "array",
                         "metadata": "object", "tier": "enum", "status": "enum",
                         "score": "number"}.get(w) or rng.choice(["string"] * 8 + FIELD_TYPES[1:5])
                f = {"name": w, "type": ftype}
                if ftype == "enum":
                    f["values"] = rng.choice([["bronze", "silver", "gold"],
                                              ["new", "active", "closed"],
                                              ["draft", "sent", "paid", "void"]])
                if rng.random() < 0.25:
                    f["required"] = True
                if pii_ok and w in PII_WORDS:
                    f["pii"] = True
            fields.append(f)
        return fields

    def approvers(self, restricted: bool) -> tuple[list[str], int]:
        rng = self.rng
        if restricted:
            a = rng.choice(self.teams)
            b = rng.choice(self.teams)
            while self.team_function[b.name] == self.team_function[a.name]:
                b = rng.choice(self.teams)
            return [f"team:{a.name}", f"team:{b.name}"], rng.choice([1, 2])
        r = rng.random()
        if r < 0.4:
            return [f"team:{rng.choice(self.teams).name}"], 1
        if r < 0.8:
            p = rng.choice(self.people)
            t = rng.choice(self.teams)
            while t.name == p.doc["spec"]["team"]:
                t = rng.choice(self.teams)
            return [f"person:{p.name}", f"team:{t.name}"], 1
        ps = rng.sample(self.people, min(2, len(self.people)))
        return [f"person:{p.name}" for p in ps], min(2, len(ps))

    def add_dataset(self, i: int) -> Entity:
        rng = self.rng
        noun = DATA_NOUNS[i % len(DATA_NOUNS)]
        name = noun if i < len(DATA_NOUNS) else f"{noun}-{i}"
        sor = rng.choice(self.systems)
        classification = rng.choices(["public", "internal", "confidential", "restricted"],
                                     [1, 5, 3, 1])[0]
        fields = self.make_fields(noun, classification != "public")
        approvers, minimum = self.approvers(classification == "restricted")
        spec: dict[str, Any] = {
            "description": f"{noun.replace('-', ' ').capitalize()} records as held by "
                           f"{sor.name}",
            "system_of_record": sor.name,
            "owner": rng.choice(self.teams).name,
            "classification": classification,
            "fields": fields,
            "change_control": {"approvers": approvers, "min_approvals": minimum},
        }
        doc: dict[str, Any] = {"apiVersion": API_VERSION, "kind": "Dataset",
                               "metadata": _metadata(name, noun.replace("-", " ").title()),
                               "spec": spec}
        if rng.random() < 0.1:
            doc["spec"]["x-retention"] = rng.choice(["P7Y", "P2Y", "P90D"])
        e = Entity("Dataset", name, doc)
        self.datasets.append(e)
        self.ds_fields[name] = fields
        if len(self.systems) > 1 and rng.random() < 0.08:
            self.shared.append(e)
        else:
            self.ds_by_sor.setdefault(sor.name, []).append(e)
        return e

    # -- integrations
    def _carry(self, ds: Entity) -> dict[str, Any]:
        fields = [f["name"] for f in self.ds_fields[ds.name]]
        has_pii = any(f.get("pii") for f in self.ds_fields[ds.name])
        item: dict[str, Any] = {"dataset": ds.name}
        if has_pii or self.rng.random() < 0.6:
            k = self.rng.randint(1, len(fields))
            item["fields"] = ["id"] + [f for f in self.rng.sample(fields, k) if f != "id"]
        return item

    def add_integration(self) -> Entity | None:
        rng = self.rng
        systems = self.systems
        conflict: dict[str, str] | None = None
        direction = "one-way"
        if self.shared and rng.random() < 0.1:
            ds_list = [rng.choice(self.shared)]
            sor = ds_list[0].doc["spec"]["system_of_record"]
            other = rng.choice(systems)
            while other.name == sor:
                other = rng.choice(systems)
            pair = sorted([sor, other.name], key=self.sys_index.__getitem__)
            source, target = pair if rng.random() < 0.5 else pair[::-1]
            direction = "bidirectional"
            conflict = ({"winner": sor, "strategy": "system-of-record-wins"}
                        if rng.random() < 0.8 else
                        {"winner": rng.choice([source, target]), "strategy": "manual-review"})
        else:
            if not self.ds_by_sor:
                return None
            if len(self.sor_names) != len(self.ds_by_sor):
                self.sor_names = list(self.ds_by_sor)
            sor = rng.choice(self.sor_names)
            idx = self.sys_index[sor]          # systems[idx] is sor: edges go low -> high
            inbound = idx > 0 and (idx == len(systems) - 1 or rng.random() < 0.25)
            if inbound:
                source, target = systems[rng.randrange(idx)].name, sor
                conflict = {"winner": sor, "strategy": "system-of-record-wins"}
            else:
                source, target = sor, systems[rng.randrange(idx + 1, len(systems))].name
                if rng.random() < 0.2:
                    conflict = {"winner": sor, "strategy": "system-of-record-wins"}
            pool = self.ds_by_sor[sor]
            ds_list = rng.sample(pool, min(len(pool), rng.choice([1, 1, 1, 2, 3])))
        mode = rng.choices(["real-time", "scheduled", "manual"], [4, 5, 1])[0]
        if mode == "real-time" and not self.sys_has_api[target]:
            mode = "scheduled"
        self.serial += 1
        base = ds_list[0].name
        name = f"{source}-{base}-to-{target}"[:50].rstrip("-._") + f"-{self.serial}"
        team = rng.choice(self.teams).name
        spec: dict[str, Any] = {
            "owner": team,
            "purpose": f"Keep {base.replace('-', ' ')} in {target} current within the agreed "
                       f"delay",
            "process": {"trigger": rng.choice(["Record created or updated", "Nightly batch",
                                               "Order paid", "Form submitted"]),
                        "outcome": f"{base.replace('-', ' ').capitalize()} available in "
                                   f"{target}",
                        "validations": rng.sample(["email format", "consent captured",
                                                   "currency known", "mandatory fields"], 2)},
            "source": source,
            "target": target,
            "direction": direction,
            "datasets": [self._carry(d) for d in ds_list],
            "mode": mode,
        }
        if rng.random() < 0.5:
            spec["process"]["exceptions"] = {"handled_by": rng.choice(self.teams).name,
                                             "description": "Rejected records go to the "
                                                            "review queue"}
        if mode == "scheduled":
            spec["schedule"] = dict(rng.choice(SCHEDULES))
        spec["method"] = rng.choice(["native-connector", "ipaas", "custom", "file-transfer"]
                                    if mode != "manual" else ["manual"])
        if conflict:
            spec["conflict_resolution"] = conflict
        if mode == "real-time" or rng.random() < 0.3:
            spec["fallback"] = {"strategy": rng.choice(["queue-and-replay", "scheduled-sync",
                                                        "manual-process", "degrade"]),
                                "description": f"Changes are queued and replayed when "
                                               f"{target} is back",
                                "max_delay": rng.choice(["PT1H", "PT4H", "P1D"])}
        spec["monitoring"] = {"owner": rng.choice(self.teams).name,
                              "alert_channel": f"#alerts-{team}",
                              "runbook": f"https://wiki.example.com/runbooks/{name}"}
        metric, base_v, target_v = rng.choice(METRICS)
        spec["success_measures"] = [{"metric": metric, "baseline": base_v,
                                     "target": target_v}]
        spec["review"] = {"interval": "P12M", "last_reviewed": _date(rng, 60, 240)}
        e = Entity("Integration", name, {"apiVersion": API_VERSION, "kind": "Integration",
                                         "metadata": _metadata(name), "spec": spec})
        self.integrations.append(e)
        return e


def build_estate(n: int, seed: int = 1, defects: float = 0.0) -> Estate:
    builder = Builder(n, seed)
    estate = builder.build()
    if defects > 0:
        plant_defects(estate, builder, defects)
    return estate


# --------------------------------------------------------------------------- defects

def plant_defects(estate: Estate, b: Builder, rate: float) -> None:
    rng = random.Random(b.seed * 7919 + 13)
    count = max(1, round(len(estate.entities) * rate))
    touched: set[str] = set()

    def pick(items: list[Entity], cond: Any = lambda e: True) -> Entity | None:
        options = [e for e in items if e.name not in touched and cond(e)]
        if not options:
            return None
        e = rng.choice(options)
        touched.add(e.name)
        return e

    def rt(e: Entity) -> bool:
        return bool(e.doc["spec"]["mode"] == "real-time")

    def sched(e: Entity) -> bool:
        return bool(e.doc["spec"]["mode"] == "scheduled")

    def pii_carried(e: Entity) -> bool:
        return any("fields" in d and any(f.get("pii") for f in b.ds_fields[d["dataset"]])
                   for d in e.doc["spec"]["datasets"])

    plans: list[tuple[str, list[Entity], Any, Any, str]] = [
        ("GOV003", b.integrations, rt, lambda e: e.doc["spec"].pop("fallback"),
         "real-time integration without fallback"),
        ("GOV004", b.integrations, lambda e: "conflict_resolution" not in e.doc["spec"],
         lambda e: e.doc["spec"].__setitem__("target", "legacy-mainframe"),
         "integration target is a system that does not exist"),
        ("GOV004", b.datasets, None,
         lambda e: e.doc["spec"].__setitem__("owner", "data-stewards-retired"),
         "dataset owner is a team that does not exist"),
        ("GOV001", b.datasets, None,
         lambda e: e.doc["spec"].__setitem__("owner", [e.doc["spec"]["owner"],
                                                      b.teams[0].name]),
         "dataset with two owners as a list"),
        ("GOV007", b.integrations, sched,
         lambda e: e.doc["spec"].__setitem__("schedule", {"every": "every 15 minutes"}),
         "scheduled integration with an invalid schedule"),
        ("GOV000", b.integrations, None,
         lambda e: e.doc["spec"].__setitem__("retries", 3),
         "unknown key 'retries' in an integration spec"),
        ("GOV011", b.integrations, lambda e: "fields" in e.doc["spec"]["datasets"][0],
         lambda e: e.doc["spec"]["datasets"][0]["fields"].append("loyalty_points"),
         "integration moves a field that does not exist in the dataset"),
        ("GOV010", b.integrations, None,
         lambda e: e.doc["spec"]["monitoring"].pop("alert_channel"),
         "monitoring without an alert channel"),
        ("GOV008", b.integrations, None, lambda e: e.doc["spec"].pop("purpose"),
         "integration without a purpose"),
        ("GOV012", b.integrations, None,
         lambda e: e.doc["spec"]["review"].__setitem__("last_reviewed", Date("2024-03-01")),
         "integration review overdue"),
        ("GOV002", b.datasets, None, lambda e: e.doc["spec"].pop("change_control"),
         "dataset without approvers"),
        ("GOV016", b.integrations, pii_carried,
         lambda e: [d.pop("fields", None) for d in e.doc["spec"]["datasets"]],
         "integration moves every field of a pii dataset"),
    ]
    for i in range(count):
        for attempt in range(len(plans)):
            rule, items, cond, mutate, what = plans[(i + attempt) % len(plans)]
            target = pick(items, cond or (lambda e: True))
            if target is not None:
                mutate(target)
                estate.defects.append((rule, target.ref, what))
                break


# ---------------------------------------------------------------------------- output

def assign_paths(estate: Estate) -> None:
    """Files layout: kind folder, then part-NNN/ chunks when a kind is large."""
    for kind, folder in KIND_FOLDER.items():
        items = [e for e in estate.entities if e.kind == kind]
        chunked = len(items) > FOLDER_LIMIT
        for i, e in enumerate(items):
            sub = f"{folder}/part-{i // FOLDER_LIMIT:03d}" if chunked else folder
            e.path = f"{sub}/{e.name}.yaml"


def write_estate(estate: Estate, out_dir: str, layout: str = "files") -> int:
    """Write the estate; returns the number of files written."""
    os.makedirs(out_dir, exist_ok=True)
    written = 0
    if layout == "files":
        assign_paths(estate)
        made: set[str] = set()
        for e in estate.entities:
            path = os.path.join(out_dir, e.path)
            folder = os.path.dirname(path)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(render_entity(e))
            written += 1
        return written
    if layout != "bundled":
        raise SystemExit(f"generate.py: unknown layout {layout!r}")
    for kind, folder in KIND_FOLDER.items():
        items = [e for e in estate.entities if e.kind == kind]
        bundles = [items[i:i + BUNDLE_SIZE] for i in range(0, len(items), BUNDLE_SIZE)]
        chunked = len(bundles) > FOLDER_LIMIT
        for j, bundle in enumerate(bundles):
            sub = f"{folder}/part-{j // FOLDER_LIMIT:03d}" if chunked else folder
            path = os.path.join(out_dir, sub, f"{folder}-{j:04d}.yaml")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write("".join("---\n" + render_entity(e) for e in bundle))
            written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--entities", type=int, required=True)
    ap.add_argument("--layout", choices=["files", "bundled"], default="files")
    ap.add_argument("--defects", type=float, default=0.0,
                    help="share of entities that carry a planted defect (0.01 = 1%%)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true", help="empty OUT_DIR first if it exists")
    args = ap.parse_args(argv)
    if os.path.exists(args.out_dir) and os.listdir(args.out_dir):
        if not args.force:
            print(f"generate.py: {args.out_dir} is not empty (use --force)", file=sys.stderr)
            return 2
        shutil.rmtree(args.out_dir)
    estate = build_estate(args.entities, args.seed, args.defects)
    files = write_estate(estate, args.out_dir, args.layout)
    size = sum(os.path.getsize(os.path.join(root, f))
               for root, _, names in os.walk(args.out_dir) for f in names)
    counts = {k: len(estate.of(k)) for k, _ in SHARES}
    print(f"wrote {len(estate.entities)} entities in {files} files ({size / 1e6:.2f} MB) "
          f"to {args.out_dir} [layout={args.layout} seed={args.seed}]")
    print("  " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    print(f"  check with: govcheck check {args.out_dir} --as-of {AS_OF.isoformat()}")
    if estate.defects:
        print(f"  {len(estate.defects)} planted defects:")
        for rule, ref, what in estate.defects:
            print(f"    {rule} {ref}: {what}")
    else:
        print("  no planted defects: every rule should pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
