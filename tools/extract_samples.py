#!/usr/bin/env python3
"""Turn every JSON sample in the shared Tallyfy reference into strict JSON, by rule.

Reads the guest, member, workflow and webhook pages of the reference (``seeds/*.txt`` and
``tallyfy-docs/{guests,members,templates,processes,tasks,tags,groups,files,webhooks}/*.md``),
finds every
JSON sample in them, cleans each one with the rules below (never by hand), and writes one file per
sample to ``tests/samples/`` plus ``tests/samples/manifest.json``, which says where each sample
came from and what it is, which pages are not covered yet and why, and what looked like JSON but
is not a sample. The decode tests read only those checked-in files, so they run without the
reference.

Usage (Python 3.11, standard library only)::

    python3 tools/extract_samples.py [REFERENCE_DIR]          # write tests/samples/
    python3 tools/extract_samples.py --check [REFERENCE_DIR]  # fail if tests/samples/ is stale
    python3 tools/extract_samples.py --self-test              # the rules on small cases

REFERENCE_DIR defaults to ``../shared/reference``, relative to the repository root.

Where a sample is
-----------------
* ``.md`` pages: each fenced block tagged ``json`` holds exactly one sample and nothing else:
  an object, or one *member* of a larger object shown alone (``"guest-links": { ... }``), which
  is read as an object holding just that member (rule ``member_fragment``).
  A fence tagged with any other language (``python``, ``go``, ``javascript``, ...) holds program
  code: its object literals build a body in that language and are not samples (the manifest's
  ``not_samples`` counts them per page). An object opener inside an inline code span of prose
  (`` `{ "field_id": "value" }` ``) is a fragment showing one value's shape, not a body: it is
  not a sample and is listed in ``not_samples`` with its line. An object opener anywhere else
  (in prose, or in an untagged fence) is an error: the script has no rule for it.
* ``.txt`` seeds (pages flattened to text, JSON unfenced and mixed with prose and code): a
  sample starts at every *object opener* that is not inside an earlier sample, and runs to its
  matching closing brace. Whatever follows on that line is prose or code and is ignored.
* An *object opener* is a ``{`` followed (after any whitespace, newlines included) by a quoted
  key and a ``:``. So ``{ "email": ...`` opens a sample; ``{org_id}``, ``{ method: 'GET' }``,
  ``{'with': ...}`` and ``interface{}`` do not. Every Tallyfy body is an object.

How a sample becomes JSON
-------------------------
Outside JSON strings, in this order, while the sample's extent is found:

1. ``//`` starts a comment. It ends at the end of its line, or before the next ``"``, ``{``,
   ``}``, ``[`` or ``]`` on that line, whichever comes first: on a flattened one-line sample the
   comment runs straight into the next JSON token (``"Admin", // Role ... "groups": [``). No
   comment in the reference contains those characters; one that did would leave stray text and
   fail rule 5 rather than pass unnoticed.
2. ``...`` and ``…`` are placeholders and are removed. So is a member whose key is just ``"..."``
   or ``"…"`` (``{ "...": "process run details" }``), with its value: it stands for fields the
   page does not show.
3. A comma whose next non-blank character is ``}``, ``]`` or another comma is removed (the
   comma a removed comment or placeholder left dangling).
4. Text after the closing brace on the same line is prose and is dropped (``.txt`` only; in a
   fence it is an error).
5. The result must parse as strict JSON (no duplicate keys, no NaN) and be an object; anything
   else fails the run, naming the file and line. Nothing is skipped silently.

What a sample is
----------------
Each page documents one operation (``PAGES`` below), or one per section when a page documents
several (``PAGES`` maps the page's ``##`` headings, or a ``###`` heading where one section holds
two operations' samples, to operations; a sample under any other section fails). A page whose
operation the spec does not have yet is in ``NOT_COVERED`` with the reason; its samples are
counted in the manifest's ``not_covered`` but not written. A page with
samples in neither table fails, as does an entry in both or an entry for a page that is gone.

A sample with a top-level ``data`` key is that operation's response; one with ``error`` or
``errors`` (and no ``data``) is an error body. Any other sample is the operation's response when
the nearest heading above it (``.md`` only) names a response (``## Response``, ``### Example
response``): some calls answer without a ``data`` envelope. Anything else is the operation's
request body.

A few samples show the value of one property of a body rather than a whole body (``PARTS`` below,
by page and the nearest heading above the sample): the manifest names that property in ``part``,
and the sample is checked against that property's schema.

Webhook payloads are not an operation's body: ``WEBHOOKS`` maps a page's headings to the payload
each sample shows (``process`` or ``task`` level), and, for a member shown alone, to the object
that holds it in that payload (``within``: ``""`` for the top level, ``this_task``, ...). Their
manifest entries have ``kind`` ``webhook`` and no ``operation``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "tests" / "samples"
MANIFEST = "manifest.json"

# The operation (operationId in openapi/tallyfy.yaml) that each reference page documents.
PAGES = {
    "seeds/create-guest.txt": "create_guest",
    "seeds/get-guest.txt": "get_guest",
    "seeds/list-guests.txt": "list_guests",
    "seeds/list-guests-older-version.txt": "list_guests",
    "seeds/list-members.txt": "list_members",
    "tallyfy-docs/guests/create-guest.md": "create_guest",
    "tallyfy-docs/guests/delete-guest.md": "remove_guest",
    "tallyfy-docs/guests/get-guest.md": "get_guest",
    "tallyfy-docs/guests/list-guests.md": "list_guests",
    "tallyfy-docs/guests/update-guest.md": "update_guest",
    "tallyfy-docs/members/get-member.md": "get_member",
    "tallyfy-docs/members/invite-member.md": "invite_member",
    "tallyfy-docs/members/list-members.md": "list_members",
    "tallyfy-docs/members/remove-member.md": "remove_member",
    "tallyfy-docs/members/update-member-role.md": "set_member_role",
    "tallyfy-docs/members/update-member.md": "update_member",
    "tallyfy-docs/templates/list-templates.md": "list_templates",
    "tallyfy-docs/templates/get-template.md": "get_template",
    "tallyfy-docs/templates/create-template.md": "create_template",
    "tallyfy-docs/templates/update-template.md": "update_template",
    "tallyfy-docs/templates/delete-archive-template.md": {
        "## 1. Archive a template": "archive_template",
        "## 2. Permanently delete a template": "delete_template",
    },
    "tallyfy-docs/processes/launch-process.md": "launch_process",
    "tallyfy-docs/processes/get-process.md": "get_process",
    "tallyfy-docs/processes/list-processes.md": "list_processes",
    "tallyfy-docs/processes/update-process.md": "update_process",
    "tallyfy-docs/processes/archive-process.md": "archive_process",
    "tallyfy-docs/processes/activate-process.md": "activate_process",
    "tallyfy-docs/processes/delete-process.md": "delete_process",
    "tallyfy-docs/processes/get-process-activity.md": "list_activity",
    "tallyfy-docs/tasks/get-task.md": "get_task",
    "tallyfy-docs/tasks/list-org-tasks.md": "list_tasks",
    "tallyfy-docs/tasks/list-process-tasks.md": "list_process_tasks",
    "tallyfy-docs/tasks/update-task.md": "update_task",
    "tallyfy-docs/tasks/complete-task.md": "complete_task",
    "tallyfy-docs/tasks/reopen-task.md": "reopen_task",
    "tallyfy-docs/tasks/create-task.md": "create_oneoff_task",
    "tallyfy-docs/tasks/archive-task.md": "archive_oneoff_task",
    "tallyfy-docs/tasks/delete-task.md": "delete_oneoff_task",
    "tallyfy-docs/processes/launch-process-without-template.md": "create_oneoff_task",
    "tallyfy-docs/tags/list-tags.md": "list_tags",
    "tallyfy-docs/tags/create-tag.md": "create_tag",
    "tallyfy-docs/tags/get-tag.md": "get_tag",
    "tallyfy-docs/tags/update-tag.md": "update_tag",
    "tallyfy-docs/tags/archive-tag.md": "delete_tag",
    "tallyfy-docs/groups/list-groups.md": "list_groups",
    "tallyfy-docs/groups/create-group.md": "create_group",
    "tallyfy-docs/groups/get-group.md": "get_group",
    "tallyfy-docs/groups/update-group.md": "update_group",
    "tallyfy-docs/groups/delete-group.md": "delete_group",
    "tallyfy-docs/files/get-file-metadata.md": "get_asset",
    "tallyfy-docs/files/download-file.md": "download_file",
    "tallyfy-docs/files/delete-file.md": "delete_file",
    # Upload, then attach: the attach section shows a task's body and a template's, each under its
    # own `###` heading, which names the operation there.
    "tallyfy-docs/files/upload-attach-file.md": {
        "## Step 1 - Upload the file": "upload_file",
        "### Body for task fields": "update_task",
        "### Body for kick-off fields": "update_template",
        "### Attach response": "update_task",
    },
}

# Pages whose operation openapi/tallyfy.yaml does not have yet, and why. Their samples are
# counted in the manifest's ``not_covered``, not written; add the operation to the spec, then
# move the page to PAGES.
NOT_COVERED: dict[str, str] = {}

# Samples that are the value of one property of their operation's body, not a whole body: page,
# then the nearest heading above the sample, then the property.
PARTS = {
    "tallyfy-docs/processes/launch-process.md": {
        "### Overriding task properties with `tasks`": "tasks",
    },
}

# Webhook payload samples: page, then the nearest heading above the sample (or its ``##``
# section), then the payload level and, for a member shown alone, the object that holds it.
WEBHOOKS: dict[str, dict[str, tuple[str, str | None]]] = {
    "tallyfy-docs/webhooks/webhook-payload-structure.md": {
        "## Process-level webhook payload": ("process", None),
        "## Task-level webhook payload": ("task", None),
        "## Guest links": ("process", ""),
        "### In `this_task.captures` - detailed structure": ("task", "this_task"),
        "### In `form-fields` - flat structure": ("task", ""),
        "### In `process.process_forms` - organized by step": ("task", "process"),
        "## Date field formatting": ("task", "this_task.captures"),
        "## Task assignment info": ("task", "this_task"),
    },
}

SOURCES = (
    "seeds/*.txt",
    "tallyfy-docs/guests/*.md",
    "tallyfy-docs/members/*.md",
    "tallyfy-docs/templates/*.md",
    "tallyfy-docs/processes/*.md",
    "tallyfy-docs/tasks/*.md",
    "tallyfy-docs/tags/*.md",
    "tallyfy-docs/groups/*.md",
    "tallyfy-docs/files/*.md",
    "tallyfy-docs/webhooks/*.md",
)

COMMENT_STOPS = '"{}[]\n'


class SampleError(Exception):
    """A JSON-looking block that the rules cannot turn into JSON."""


@dataclass
class Cleaned:
    """One sample after the rules: its JSON text, where it ended, and which rules fired."""

    text: str
    end: int
    rules: dict[str, int] = field(default_factory=dict)

    def count(self, rule: str) -> None:
        self.rules[rule] = self.rules.get(rule, 0) + 1


def line_of(text: str, index: int) -> int:
    """The 1-based line number of ``index`` in ``text``."""
    return text.count("\n", 0, index) + 1


def skip_string(text: str, i: int) -> int:
    """Given ``text[i] == '"'``, the index just past the closing quote."""
    j = i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == '"':
            return j + 1
        if text[j] == "\n":
            break
        j += 1
    raise SampleError(f"line {line_of(text, i)}: a string is not closed on its line")


def is_opener(text: str, i: int) -> bool:
    """Whether the ``{`` at ``i`` opens a JSON object: blanks, then a quoted key, then ``:``."""
    j = i + 1
    while j < len(text) and text[j].isspace():
        j += 1
    if j >= len(text) or text[j] != '"':
        return False
    try:
        j = skip_string(text, j)
    except SampleError:
        return False
    while j < len(text) and text[j].isspace():
        j += 1
    return j < len(text) and text[j] == ":"


def clean(text: str, start: int) -> Cleaned:
    """Rules 1 to 3 from the ``{`` at ``start`` to its matching ``}``."""
    out: list[str] = []
    result = Cleaned(text="", end=-1)
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == '"':
            j = skip_string(text, i)
            out.append(text[i:j])
            i = j
            continue
        if text.startswith("//", i):
            j = i + 2
            while j < len(text) and text[j] not in COMMENT_STOPS:
                j += 1
            result.count("comments")
            i = j
            continue
        if text.startswith("...", i) or c == "\u2026":
            result.count("placeholders")
            i += 3 if c == "." else 1
            continue
        out.append(c)
        i += 1
        if c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                result.end = i
                break
    if result.end < 0:
        raise SampleError(f"line {line_of(text, start)}: the sample's brace is never closed")
    result.text = drop_dangling_commas("".join(out), result)
    return result


def drop_dangling_commas(text: str, result: Cleaned) -> str:
    """Rule 3: a comma followed (past blanks) by ``}``, ``]`` or ``,`` goes."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == '"':
            j = skip_string(text, i)
            out.append(text[i:j])
            i = j
            continue
        if c == ",":
            j = i + 1
            while j < len(text) and text[j].isspace():
                j += 1
            if j < len(text) and text[j] in "}],":
                result.count("dangling_commas")
                i += 1
                continue
        out.append(c)
        i += 1
    return "".join(out)


def refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    dups = sorted({k for k in keys if keys.count(k) > 1})
    if dups:
        raise SampleError(f"duplicate keys {dups}")
    return dict(pairs)


def refuse_constant(name: str) -> object:
    raise SampleError(f"{name} is not JSON")


def parse(cleaned: Cleaned, where: str) -> dict[str, object]:
    """Rule 5: strict JSON, and an object."""
    def members(pairs: list[tuple[str, object]]) -> dict[str, object]:
        kept = [(k, v) for k, v in pairs if k not in ("...", "\u2026")]
        for _ in range(len(pairs) - len(kept)):
            cleaned.count("placeholder_keys")
        return refuse_duplicates(kept)

    try:
        value = json.loads(cleaned.text, object_pairs_hook=members, parse_constant=refuse_constant)
    except (json.JSONDecodeError, SampleError) as err:
        raise SampleError(f"{where}: not JSON after the rules ({err}):\n{cleaned.text}") from None
    if not isinstance(value, dict):
        raise SampleError(f"{where}: the sample is not an object")
    return value


@dataclass
class Sample:
    """One sample as found: its source, line, value and the rules that were applied."""

    source: str
    line: int
    found: str
    value: dict[str, object]
    rules: dict[str, int]
    heading: str = ""
    section: str = ""


def samples_in_text(source: str, text: str) -> list[Sample]:
    """Every sample in a ``.txt`` seed: one per object opener outside earlier samples."""
    found = []
    i = 0
    while (i := text.find("{", i)) >= 0:
        if not is_opener(text, i):
            i += 1
            continue
        line = line_of(text, i)
        where = f"{source}:{line}"
        try:
            cleaned = clean(text, i)
        except SampleError as err:
            raise SampleError(f"{source}: {err}") from None
        value = parse(cleaned, where)
        line_start = text.rfind("\n", 0, i) + 1
        line_end = text.find("\n", cleaned.end)
        line_end = len(text) if line_end < 0 else line_end
        if text[cleaned.end : line_end].strip():
            cleaned.count("prose_after")
        at_line_start = not text[line_start:i].strip()
        found.append(
            Sample(
                source=source,
                line=line,
                found="at the start of a line" if at_line_start else "inside a line of code",
                value=value,
                rules=cleaned.rules,
            )
        )
        i = cleaned.end
    return found


def openers(text: str) -> list[int]:
    """The index of every object opener in ``text``."""
    return [i for i, c in enumerate(text) if c == "{" and is_opener(text, i)]


def samples_in_markdown(source: str, text: str) -> tuple[list[Sample], list[dict[str, object]]]:
    """Every sample in a ``.md`` page (one per fenced ``json`` block), and what is not one."""
    found = []
    skipped: list[dict[str, object]] = []
    code_literals = 0
    outside: list[tuple[int, str]] = []
    heading = section = ""
    lines = text.split("\n")
    n = 0
    while n < len(lines):
        fence = lines[n].strip()
        if not fence.startswith("```"):
            if lines[n].startswith("#"):
                heading = lines[n].strip()
                if heading.startswith("## "):
                    section = heading
            outside.append((n + 1, lines[n]))
            n += 1
            continue
        tag = fence[3:].strip().lower()
        body_start = n + 1
        n += 1
        while n < len(lines) and lines[n].strip() != "```":
            n += 1
        if n >= len(lines):
            raise SampleError(f"{source}:{body_start}: a fence is never closed")
        body = "\n".join(lines[body_start:n])
        n += 1
        if tag and tag != "json":
            code_literals += len(openers(body))
            continue
        if tag != "json":
            outside.extend((body_start + 1 + k, line) for k, line in enumerate(body.split("\n")))
            continue
        where = f"{source}:{body_start + 1}"
        first = len(body) - len(body.lstrip())
        fragment = is_opener("{" + body[first:], 0)
        if fragment:
            # One member shown alone: read as the object that holds just it.
            body = body[:first] + "{" + body[first:] + "\n}"
        if not body[first:].startswith("{") or not is_opener(body, first):
            raise SampleError(f"{where}: a json fence that holds neither an object nor a member")
        try:
            cleaned = clean(body, first)
        except SampleError as err:
            raise SampleError(f"{where}: {err}") from None
        if body[cleaned.end :].strip():
            raise SampleError(f"{where}: text after the sample inside its fence")
        value = parse(cleaned, where)
        if fragment:
            cleaned.count("member_fragment")
            if len(value) != 1:
                raise SampleError(f"{where}: a json fence that holds more than one member")
        found.append(
            Sample(
                source=source,
                line=body_start + line_of(body, first),
                found="fenced json block",
                value=value,
                rules=cleaned.rules,
                heading=heading,
                section=section,
            )
        )
    for number, line in outside:
        plain = list(line)
        for span in re.finditer(r"`[^`]*`", line):
            if openers(span.group()):
                skipped.append(
                    {
                        "source": source,
                        "line": number,
                        "why": "inline code fragment in prose, not a body",
                        "text": span.group()[1:-1],
                    }
                )
            plain[span.start() : span.end()] = " " * (span.end() - span.start())
        rest = "".join(plain)
        if openers(rest):
            i = openers(rest)[0]
            raise SampleError(f"{source}:{number}: JSON outside a json fence: {rest[i:i + 60]!r}")
    if code_literals:
        skipped.append(
            {
                "source": source,
                "why": "object literals in program code fences, not samples",
                "count": code_literals,
            }
        )
    return found, skipped


def kind_of(value: dict[str, object], heading: str = "") -> str:
    if "data" in value:
        return "response"
    if "error" in value or "errors" in value:
        return "error"
    if "response" in heading.lower():
        return "response"
    return "request"


def operation_of(sample: Sample) -> str:
    """The operation a sample documents: its page's, or that of the nearest heading above it when
    the page names that heading, or else its section's."""
    page = PAGES[sample.source]
    if isinstance(page, str):
        return page
    if sample.heading in page:
        return page[sample.heading]
    if sample.section not in page:
        raise SampleError(
            f"{sample.source}:{sample.line}: section {sample.section!r} has no operation in PAGES"
        )
    return page[sample.section]


def webhook_of(sample: Sample) -> tuple[str, str | None]:
    """The payload level a webhook sample shows, and the object holding it when it is a member:
    by the nearest heading above it, or else its section."""
    page = WEBHOOKS[sample.source]
    for heading in (sample.heading, sample.section):
        if heading in page:
            return page[heading]
    raise SampleError(
        f"{sample.source}:{sample.line}: heading {sample.heading!r} has no payload in WEBHOOKS"
    )


DESCRIBE = {"response": "response of {}", "error": "error body of {}", "request": "request body of {}"}


def collect(
    reference: Path,
) -> tuple[dict[str, str], list[dict[str, object]], list[dict[str, object]]]:
    """Every output file's name and text, and the manifest's entries."""
    if not reference.is_dir():
        raise SampleError(f"{reference} is not a directory (pass the reference directory)")
    unused = sorted(PARTS.keys() - PAGES.keys())
    if unused:
        raise SampleError(f"{unused}: in PARTS but not in PAGES")
    both = sorted(
        (PAGES.keys() & NOT_COVERED.keys())
        | (PAGES.keys() & WEBHOOKS.keys())
        | (WEBHOOKS.keys() & NOT_COVERED.keys())
    )
    if both:
        raise SampleError(f"{both}: in more than one of PAGES, WEBHOOKS and NOT_COVERED")
    files: dict[str, str] = {}
    parts_used: set[tuple[str, str]] = set()
    entries: list[dict[str, object]] = []
    not_covered: list[dict[str, object]] = []
    not_samples: list[dict[str, object]] = []
    sources = sorted({p for pattern in SOURCES for p in reference.glob(pattern)})
    if not sources:
        raise SampleError(f"no reference pages under {reference}")
    seen = {path.relative_to(reference).as_posix() for path in sources}
    gone = sorted((PAGES.keys() | WEBHOOKS.keys() | NOT_COVERED.keys()) - seen)
    if gone:
        raise SampleError(f"{gone}: listed in PAGES, WEBHOOKS or NOT_COVERED but not in the reference")
    for path in sources:
        source = path.relative_to(reference).as_posix()
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            samples, skipped = samples_in_markdown(source, text)
            not_samples.extend(skipped)
        else:
            samples = samples_in_text(source, text)
        if source in NOT_COVERED:
            not_covered.append(
                {"source": source, "reason": NOT_COVERED[source], "samples": len(samples)}
            )
            continue
        if samples and source not in PAGES and source not in WEBHOOKS:
            raise SampleError(
                f"{source}: has samples but no entry in PAGES, WEBHOOKS or NOT_COVERED"
            )
        stem = source.removesuffix(path.suffix).replace("tallyfy-docs/", "docs/").replace("/", "-")
        for n, sample in enumerate(samples, start=1):
            name = f"{stem}-{n}.json"
            files[name] = json.dumps(sample.value, indent=2, ensure_ascii=False) + "\n"
            if source in WEBHOOKS:
                level, within = webhook_of(sample)
                entry = {
                    "file": name,
                    "source": source,
                    "line": sample.line,
                    "found": sample.found,
                    "kind": "webhook",
                    "payload": level,
                    "what": f"a {level}-level webhook payload",
                    "rules_applied": dict(sorted(sample.rules.items())),
                }
                if within is not None:
                    entry["within"] = within
                    place = f"`{within}`" if within else "the top level"
                    entry["what"] = f"a member of {place} of a {level}-level webhook payload"
                entries.append(entry)
                continue
            kind = kind_of(sample.value, sample.heading)
            operation = operation_of(sample)
            entry: dict[str, object] = {
                "file": name,
                "source": source,
                "line": sample.line,
                "found": sample.found,
                "kind": kind,
                "operation": operation,
                "what": DESCRIBE[kind].format(operation),
                "rules_applied": dict(sorted(sample.rules.items())),
            }
            part = PARTS.get(source, {}).get(sample.heading)
            if part:
                parts_used.add((source, sample.heading))
                entry["part"] = part
                entry["what"] = f"the {part} property of the {entry['what']}"
            entries.append(entry)
    idle = sorted({(p, h) for p, hs in PARTS.items() for h in hs} - parts_used)
    if idle:
        raise SampleError(f"{idle}: in PARTS but no sample is under that heading")
    manifest = {
        "generated_by": "tools/extract_samples.py (do not edit; rerun the script)",
        "samples": entries,
        "not_covered": not_covered,
        "not_samples": not_samples,
    }
    files[MANIFEST] = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    return files, entries, not_covered


def write(files: dict[str, str]) -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for stale in OUT_DIR.glob("*.json"):
        if stale.name not in files:
            stale.unlink()
    for name, text in files.items():
        (OUT_DIR / name).write_text(text, encoding="utf-8")


def check(files: dict[str, str]) -> list[str]:
    problems = []
    present = {p.name for p in OUT_DIR.glob("*.json")} if OUT_DIR.is_dir() else set()
    for name in sorted(present - files.keys()):
        problems.append(f"{name}: checked in but no longer produced")
    for name, text in sorted(files.items()):
        path = OUT_DIR / name
        if name not in present:
            problems.append(f"{name}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{name}: differs from what the script writes")
    return problems


def self_test() -> None:
    """The rules on small cases, including the ones that must fail."""
    flat = '{ "a": "X", // one // two: "b": [ { "id": "g1" } ] // ... more ... }, { "c": 1, // ... }'
    ok = [
        ('{"a": 1}', {"a": 1}),
        ('{ "a": 1, // note\n "b": 2 }', {"a": 1, "b": 2}),
        ('{ "a": 1,\n // ... other fields ...\n}', {"a": 1}),
        ('{ "u": "https://x/...", "v": [1, 2, ...] }', {"u": "https://x/...", "v": [1, 2]}),
        ('{ "a": [1, …, 3] }', {"a": [1, 3]}),
        ('{ "r": { "data": { "...": "details" } }, "s": { "…": 1 } }', {"r": {"data": {}}, "s": {}}),
        ('{ "s": "a // b" }', {"s": "a // b"}),
        ('{ "q": "say \\"hi\\" {" }', {"q": 'say "hi" {'}),
        ('{ "data": [ ' + flat + " ] // meta?}", {"data": [{"a": "X", "b": [{"id": "g1"}]}, {"c": 1}]}),
    ]
    for text, want in ok:
        got = parse(clean(text, 0), "self-test")
        assert got == want, (text, got, want)
    bad = [
        '{ "a": 1 ',
        '{ "a": 1, "a": 2 }',
        '{ "a": NaN }',
        '{ "a": ... }',
        '{ "a": 1 // a comment with "quotes" in it\n}',
        '{ "a": undefined }',
    ]
    for text in bad:
        try:
            parse(clean(text, 0), "self-test")
        except SampleError:
            continue
        raise AssertionError(f"accepted {text!r}")
    seed = 'prose:\n{ "email": "a@b.co"}Fuller:\n{ "x": 1 } code { method: 1 } m{}{ "k": 2, }\n'
    found = samples_in_text("seed.txt", seed)
    assert [s.value for s in found] == [{"email": "a@b.co"}, {"x": 1}, {"k": 2}], found
    assert found[0].rules == {"prose_after": 1} and found[2].found == "inside a line of code"
    md = '```json\n"m": {\n  "a": [1, ...]\n}\n```\n'
    [member] = samples_in_markdown("p.md", md)[0]
    assert member.value == {"m": {"a": [1]}} and member.line == 2, member
    assert member.rules == {"dangling_commas": 1, "member_fragment": 1, "placeholders": 1}
    md = "`{org_id}`\n```json\n{\n  \"a\": 1\n}\n```\n"
    assert [s.line for s in samples_in_markdown("p.md", md)[0]] == [3]
    md = (
        "Set `{ \"field\": \"v\" }` here.\n## 1. One\n```go\nx := map[string]any{\n"
        '  "title": "t"}\n```\n### Response\n```json\n{ "message": "ok" }\n```\n'
        '## 2. Two\n```json\n{ "title": "t" }\n```\n'
    )
    found, skipped = samples_in_markdown("p.md", md)
    assert [(s.section, s.heading) for s in found] == [
        ("## 1. One", "### Response"),
        ("## 2. Two", "## 2. Two"),
    ], found
    assert [kind_of(s.value, s.heading) for s in found] == ["response", "request"]
    assert skipped == [
        {"source": "p.md", "line": 1, "why": "inline code fragment in prose, not a body",
         "text": '{ "field": "v" }'},
        {"source": "p.md", "why": "object literals in program code fences, not samples",
         "count": 1},
    ], skipped
    for md in [
        '```json\n{ "a": 1 } tail\n```\n',
        'text {"a": 1}\n',
        '```json\n[1]\n```\n',
        '```json\n"m": 1,\n"n": 2\n```\n',
        '```\n{"a": 1}\n```\n',
        'a `code` then {"a": 1}\n',
    ]:
        try:
            samples_in_markdown("p.md", md)
        except SampleError:
            continue
        raise AssertionError(f"accepted {md!r}")
    assert [kind_of(v) for v in ({"data": {}}, {"errors": {}}, {"role": "x"})] == [
        "response",
        "error",
        "request",
    ]
    assert kind_of({"errors": {}}, "## Response") == "error"
    print("self-test: ok")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference", nargs="?", default="../shared/reference")
    parser.add_argument("--check", action="store_true", help="fail if tests/samples/ is stale")
    parser.add_argument("--self-test", action="store_true", help="check the rules themselves")
    args = parser.parse_args()
    if args.self_test:
        self_test()
        return 0
    reference = Path(args.reference)
    if not reference.is_absolute():
        reference = (REPO / reference).resolve()
    try:
        files, entries, not_covered = collect(reference)
    except SampleError as err:
        print(f"extract_samples: {err}", file=sys.stderr)
        return 1
    for page in not_covered:
        print(f"not covered: {page['source']} ({page['samples']} samples): {page['reason']}")
    if args.check:
        problems = check(files)
        for p in problems:
            print(f"extract_samples: {p}", file=sys.stderr)
        if problems:
            print("run `python3 tools/extract_samples.py` and commit tests/samples/", file=sys.stderr)
            return 1
        print(f"tests/samples/ is up to date ({len(entries)} samples)")
        return 0
    write(files)
    print(f"wrote {len(entries)} samples and {MANIFEST} to {OUT_DIR.relative_to(REPO)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
