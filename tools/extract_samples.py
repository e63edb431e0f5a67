#!/usr/bin/env python3
"""Turn every JSON sample in the shared Tallyfy reference into strict JSON, by rule.

Reads the guest and member pages of the reference (``seeds/*.txt`` and
``tallyfy-docs/{guests,members}/*.md``), finds every JSON sample in them, cleans each one with
the rules below (never by hand), and writes one file per sample to ``tests/samples/`` plus
``tests/samples/manifest.json``, which says where each sample came from and what it is. The
decode tests read only those checked-in files, so they run without the reference.

Usage (Python 3.11, standard library only)::

    python3 tools/extract_samples.py [REFERENCE_DIR]          # write tests/samples/
    python3 tools/extract_samples.py --check [REFERENCE_DIR]  # fail if tests/samples/ is stale
    python3 tools/extract_samples.py --self-test              # the rules on small cases

REFERENCE_DIR defaults to ``../shared/reference``, relative to the repository root.

Where a sample is
-----------------
* ``.md`` pages: each fenced block tagged ``json`` holds exactly one sample and nothing else.
  An object opener (see below) outside every fence is an error: the script has no rule for it.
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
2. ``...`` and ``…`` are placeholders and are removed.
3. A comma whose next non-blank character is ``}``, ``]`` or another comma is removed (the
   comma a removed comment or placeholder left dangling).
4. Text after the closing brace on the same line is prose and is dropped (``.txt`` only; in a
   fence it is an error).
5. The result must parse as strict JSON (no duplicate keys, no NaN) and be an object; anything
   else fails the run, naming the file and line. Nothing is skipped silently.

What a sample is
----------------
Each page documents one operation (``PAGES`` below; a page with samples but no entry fails).
A sample with a top-level ``data`` key is that operation's response; one with ``error`` or
``errors`` (and no ``data``) is an error body; anything else is the operation's request body.
"""

from __future__ import annotations

import argparse
import json
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
}

SOURCES = ("seeds/*.txt", "tallyfy-docs/guests/*.md", "tallyfy-docs/members/*.md")

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
    try:
        value = json.loads(
            cleaned.text, object_pairs_hook=refuse_duplicates, parse_constant=refuse_constant
        )
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


def samples_in_markdown(source: str, text: str) -> list[Sample]:
    """Every sample in a ``.md`` page: one per fenced ``json`` block."""
    found = []
    outside: list[str] = []
    lines = text.split("\n")
    n = 0
    while n < len(lines):
        fence = lines[n].strip()
        if not fence.startswith("```"):
            outside.append(lines[n])
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
        if tag != "json":
            outside.append(body)
            continue
        where = f"{source}:{body_start + 1}"
        first = len(body) - len(body.lstrip())
        if not body[first:].startswith("{") or not is_opener(body, first):
            raise SampleError(f"{where}: a json fence that does not hold an object")
        try:
            cleaned = clean(body, first)
        except SampleError as err:
            raise SampleError(f"{where}: {err}") from None
        if body[cleaned.end :].strip():
            raise SampleError(f"{where}: text after the sample inside its fence")
        found.append(
            Sample(
                source=source,
                line=body_start + line_of(body, first),
                found="fenced json block",
                value=parse(cleaned, where),
                rules=cleaned.rules,
            )
        )
    rest = "\n".join(outside)
    for i in range(len(rest)):
        if rest[i] == "{" and is_opener(rest, i):
            raise SampleError(f"{source}: JSON outside a json fence: {rest[i:i + 60]!r}")
    return found


def kind_of(value: dict[str, object]) -> str:
    if "data" in value:
        return "response"
    if "error" in value or "errors" in value:
        return "error"
    return "request"


DESCRIBE = {"response": "response of {}", "error": "error body of {}", "request": "request body of {}"}


def collect(reference: Path) -> tuple[dict[str, str], list[dict[str, object]]]:
    """Every output file's name and text, and the manifest's entries."""
    if not reference.is_dir():
        raise SampleError(f"{reference} is not a directory (pass the reference directory)")
    files: dict[str, str] = {}
    entries: list[dict[str, object]] = []
    sources = sorted({p for pattern in SOURCES for p in reference.glob(pattern)})
    if not sources:
        raise SampleError(f"no reference pages under {reference}")
    for path in sources:
        source = path.relative_to(reference).as_posix()
        text = path.read_text(encoding="utf-8")
        samples = (samples_in_markdown if path.suffix == ".md" else samples_in_text)(source, text)
        if samples and source not in PAGES:
            raise SampleError(f"{source}: has samples but no operation in PAGES")
        stem = source.removesuffix(path.suffix).replace("tallyfy-docs/", "docs/").replace("/", "-")
        for n, sample in enumerate(samples, start=1):
            name = f"{stem}-{n}.json"
            files[name] = json.dumps(sample.value, indent=2, ensure_ascii=False) + "\n"
            kind = kind_of(sample.value)
            entries.append(
                {
                    "file": name,
                    "source": source,
                    "line": sample.line,
                    "found": sample.found,
                    "kind": kind,
                    "operation": PAGES[source],
                    "what": DESCRIBE[kind].format(PAGES[source]),
                    "rules_applied": dict(sorted(sample.rules.items())),
                }
            )
    manifest = {
        "generated_by": "tools/extract_samples.py (do not edit; rerun the script)",
        "samples": entries,
    }
    files[MANIFEST] = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    return files, entries


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
    md = "`{org_id}`\n```json\n{\n  \"a\": 1\n}\n```\n"
    assert [s.line for s in samples_in_markdown("p.md", md)] == [3]
    for md in ['```json\n{ "a": 1 } tail\n```\n', 'text {"a": 1}\n', '```json\n[1]\n```\n']:
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
        files, entries = collect(reference)
    except SampleError as err:
        print(f"extract_samples: {err}", file=sys.stderr)
        return 1
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
