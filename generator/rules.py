"""Every rule the format has: its code, severity, what it means and how to fix it.

Each rule is a constant the finders report with (``rules.ORDER.at(where, message)``), so a
misspelt rule is a name error that ``mypy`` and ``ruff`` catch, and a diagnostic's severity
is always the one written here.  The catalogue is also the one source of the rule table in
``docs/format.md`` (``make docs``).  ``stages`` says who finds the problem: the loader while
reading (``read``), the rules over the loaded repository (``check``), or the build (``build``).
"""

from __future__ import annotations

from statusgen.diagnostics import Rule, Severity

E, W = Severity.ERROR, Severity.WARNING

FRONT_MATTER = Rule(
    "front-matter", E,
    "The incident file does not start with a `---` line, or the front matter is not closed by a "
    "second `---` line.",
    "Put `---` on the first line, the YAML keys, then `---` on a line of its own.",
    stages=("read",))

ENCODING = Rule(
    "encoding", E,
    "The file is not valid UTF-8 (the location is the first bad byte).",
    "Save the file as UTF-8.",
    stages=("read",))

YAML = Rule(
    "yaml", E,
    "The YAML cannot be read: a syntax error, a control character, a value YAML cannot convert "
    "(`0x_`, `!!int abc`), an alias without its anchor, an anchor used twice, or a second "
    "document. The commonest mistakes are named with their fix at their place: a value containing "
    "`: ` without quotes, an apostrophe inside single quotes, a key or list item indented "
    "differently from its siblings, a quote never closed, a backslash inside double quotes, a tab.",
    "Do what the message says; otherwise fix the syntax at the location, indent with spaces, and "
    "quote values that are text.",
    stages=("read",))

YAML_TAG = Rule(
    "yaml-tag", E,
    "An explicit YAML tag (`!!binary`, `!custom`) or a merge key (`<<`).",
    "Remove the tag; write merged keys out.",
    stages=("read",))

YAML_ALIAS = Rule(
    "yaml-alias", E,
    "Aliases (`*a`) repeat more than 20,000 values in one file. Each alias counts every value it "
    "repeats, nested aliases included; values written out do not count, however many.",
    "Write the values out instead of using aliases.",
    stages=("read",))

YAML_DEPTH = Rule(
    "yaml-depth", E,
    "Values are nested more than 40 levels deep, directly or through an alias, or an alias is "
    "inside the value it repeats (`&a [*a]`).",
    "Flatten the value; the format never needs that depth.",
    stages=("read",))

YAML_COMMENT = Rule(
    "yaml-comment", E,
    "A key's text starts with `#` on the key's line (`message: #1 priority`): YAML reads it as a "
    "comment, so the value is empty.",
    'Put the text in quotes: `message: "#1 priority …"`.',
    stages=("read",))

DUPLICATE_KEY = Rule(
    "duplicate-key", E,
    "A key appears twice in one mapping, or a component, role, named timestamp or option is "
    "listed twice.",
    "Keep one of them.",
    stages=("read",))

TYPE = Rule(
    "type", E,
    "A value has the wrong type (a list where text belongs, `yes` read as a boolean, a number "
    "below its minimum, an `sla` that is not a percentage), or a key is not a plain name.",
    "Write the type the key tables give; quote text that YAML would read otherwise.",
    stages=("read",))

UNKNOWN_KEY = Rule(
    "unknown-key", E,
    "A key the format does not have, often a typo; the message suggests the closest key.",
    "Rename it to the suggested key or remove it.",
    stages=("read",))

REQUIRED = Rule(
    "required", E,
    "A required key is missing (for incidents also `impact`), a list that needs an entry is empty, "
    "the front matter is empty, or `components.yml` is missing or empty.",
    "Add the key, entry or file.",
    stages=("read", "check"))

CHOICE = Rule(
    "choice", E,
    "A value is not one of the allowed words (`impact`, `status`, `kind`, `visibility`, `mode`, a "
    "level, a monitor rule's `from`).",
    "Use one of the words the message lists.",
    stages=("read",))

DURATION = Rule(
    "duration", E,
    "A monitor rule's `after` is not a duration.",
    "Write a whole number and a unit: `90s`, `5m`, `2h` or `1d` (or `0`).",
    stages=("read",))

SERVICE_ID = Rule(
    "service-id", E,
    "A key of `api.services` is not a whole number: the create-incident API's `service_id`.",
    "Write the id the requests send, such as `1234: api`.",
    stages=("read",))

SLUG = Rule(
    "slug", E,
    "An id or an incident's file name is not lower-case letters, digits and hyphens starting with "
    "a letter or digit (names of roles, timestamps and custom fields may also hold `_`).",
    "Rename it, e.g. `Data base` → `database`.",
    stages=("read",))

TIMESTAMP = Rule(
    "timestamp", E,
    "A time is not ISO 8601.",
    "Write it like `2026-11-22T10:42:00Z`.",
    stages=("read",))

TIMESTAMP_ZONE = Rule(
    "timestamp-zone", E,
    "A time has no zone.",
    "Add `Z` for UTC or an offset such as `+01:00`.",
    stages=("read",))

TIMESTAMP_RANGE = Rule(
    "timestamp-range", E,
    "A time is before 1970-01-01T00:00:00Z or not before 9000-01-01T00:00:00Z once converted "
    "to UTC (`9999-12-31T23:59:59-01:00` is in year 10000). Every page computes around each "
    "time (the page's zone, the years either side, a window's end plus its duration), and "
    "this range keeps all of it far from the ends of the calendar; `ingest` and the relay "
    "refuse an alert's start outside it the same way.",
    "Check the year and the offset.",
    stages=("read",))

PAGE_URL = Rule(
    "page-url", E,
    "`page.url` is not an absolute `http` or `https` URL, or holds what `robots.txt`, `_headers` "
    "or a feed would read as syntax: a space or control character, a user name, a query (`?`), a "
    "fragment (`#`), or a path with characters other than letters, digits, `-._~/` and `%`.",
    "Write it like `https://status.example.com/`.",
    stages=("read",))

TEXT = Rule(
    "text", E,
    "A title, name or description holds a line break (a literal block value), or any text holds an "
    "invisible control character (a terminal escape, NUL) or, outside Markdown, a direction "
    "override. A folded (`>`) value's final line break is simply dropped.",
    "Write one-line values after the key; remove the character.",
    stages=("read",))

TIMEZONE = Rule(
    "timezone", E,
    "`page.timezone` is not an IANA time zone.",
    "Use a name such as `Europe/Berlin` or `UTC`.",
    stages=("read",))

GROUP_DEPTH = Rule(
    "group-depth", E,
    "A group's member has its own `components`.",
    "Groups are one level deep: make the member a group of its own at the top level.",
    stages=("read",))

DUPLICATE_ID = Rule(
    "duplicate-id", E,
    "Two components have the same id, or two incident files differ only in case.",
    "Rename one; ids must be unique, groups included.",
    stages=("read", "check"))

RESERVED_ID = Rule(
    "reserved-id", E,
    "An incident file is named `unresolved.md`, which the JSON API uses, or a component's id is "
    "`page`, whose badge files are the whole page's.",
    "Rename the file, or choose another component id.",
    stages=("read", "check"))

EXTENSION = Rule(
    "extension", W,
    "A file in `incidents/` looks like an incident but is not named `.md`, so it is not read.",
    "Rename it to `<id>.md`, or move it out of `incidents/`.",
    stages=("read",))

ATTACHMENT = Rule(
    "attachment", E,
    "A body or message links a file that does not exist in `incidents/`, lies outside it, cannot "
    "be published (an HTML, XHTML, XML or script file, a file type browsers may run, an SVG that "
    "is not a plain drawing — a `<script>`, an event handler, a link out of the file), is over 10 "
    "MiB, or is reached through a symbolic link.",
    "Put the file in `incidents/` and link it by its name; attach images, PDFs, text, CSV, JSON or "
    "video; export a drawing with scripts as PNG.",
    stages=("read", "check", "build"))

LINK = Rule(
    "link", E,
    "A link that could run code or points nowhere: a scheme other than `http`, `https` or `mailto` "
    "(also once percent-decoded, or once the link is placed on the front page: `../javascript:…`), "
    "a relative link with `:` in its path or leaving the site, or a link to an entry file "
    "(`other.md`) that does not exist. `postmortem_url`, `external_issue` and `link` fields must "
    "be absolute `http` or `https` addresses with a host.",
    "Use an `https` address, or link a file or entry in `incidents/` by its name.")

LINK_HIDDEN = Rule(
    "link-hidden", W,
    "A public entry links an internal entry or a drill, which the public page does not show.",
    "The public page shows the link's text without the link; remove the link, or publish the other "
    "entry.")

THEME = Rule(
    "theme", E,
    "`build` only: the page's `theme` cannot be used — not a folder name, no `themes/<name>/`, or "
    "no default theme.",
    "Create `themes/<name>/`, or set `theme: default`.",
    stages=("build",))

OUTPUT = Rule(
    "output", E,
    "`build` only: the output folder cannot be used or written — it is the repository or inside "
    "its sources, a file, or a non-empty folder `statusgen` did not make; its parent cannot be "
    "made; or another build of the same folder held its lock for five minutes.",
    "Build into a folder of its own such as `site/`; wait for the other build, or stop it.",
    stages=("build",))

IO = Rule(
    "io", E,
    "A file cannot be read: permissions, a folder named like a file (`x.md`), or a device or pipe "
    "where a file should be.",
    "Fix the file's permissions or type.",
    stages=("read",))

SYMLINK = Rule(
    "symlink", E,
    "`components.yml`, `incidents/`, an incident file or an attachment is a symbolic link. "
    "statusgen never follows links, so nothing outside the repository can be read or published.",
    "Put the file or folder itself in its place.",
    stages=("read",))

SIZE = Rule(
    "size", E,
    "A file is larger than statusgen reads: 1 MiB for `components.yml` and incident files (checked "
    "before parsing), 10 MiB for an attachment.",
    "Split the write-up, shrink the image, or link to the file elsewhere.",
    stages=("read",))

INTERNAL = Rule(
    "internal", E,
    "`statusgen` failed on this file: a bug in `statusgen`, not in your file.",
    "Report it, with the file. The other files are still checked.",
    stages=("read", "build", "build", "build"))

FUTURE = Rule(
    "future", E,
    "An update or a named timestamp is more than five minutes after `now`.",
    "Check the date and the zone; for a planned time use a maintenance window.")

ORDER = Rule(
    "order", E,
    "Updates are not newest first: an update is later than the one above it. (Two updates in the "
    "same second are fine; the list's order says which came later.)",
    "Put the newest update first.")

TERMINAL = Rule(
    "terminal", E,
    "`resolved` (or `completed`) is not the newest update.",
    "Move it first, or change the older one to another status.")

STATUS_KIND = Rule(
    "status-kind", E,
    "An incident uses a maintenance status, or the other way round.",
    "Use the statuses of the entry's kind.")

RETROSPECTIVE = Rule(
    "retrospective", E,
    "A `mode: retrospective` entry has not ended.",
    "Add the `resolved` (or `completed`) update.")

WINDOW = Rule(
    "window", E,
    "A maintenance has no `window`, its window ends before it starts, or an incident has a window.",
    "Add `window: {start, end}` with `end` after `start`; remove it from incidents.")

REPEAT = Rule(
    "repeat", E,
    "A recurring maintenance's `repeat` is not an RFC 5545 RRULE statusgen takes (the parser's "
    "words say why), its window does not start on an occurrence of the rule, `repeat`, "
    "`except` or `occurrence` is used outside a recurring maintenance, an update names a date "
    "that is not an occurrence, or an update about the whole series is not `scheduled`.",
    "Write one rule such as `FREQ=WEEKLY;BYDAY=TU` (DAILY, WEEKLY, MONTHLY or YEARLY; `COUNT` "
    "or `UNTIL`, not both), start the window on its first occurrence, and give updates about "
    "one occurrence its date with `occurrence:`.")

REPEAT_EXCEPT = Rule(
    "repeat-except", W,
    "A date in `except` is not an occurrence of the rule, so it skips nothing.",
    "Correct the date (in the page's zone) or remove it.")

SCHEDULED_LATE = Rule(
    "scheduled-late", W,
    "A maintenance's `scheduled` update was posted after its window had ended: the page and "
    "notifications would present finished work as coming.",
    "Correct the window or the update's time; record work that is over as `mode: "
    "retrospective` with only a `completed` update (`statusgen maintenance --retrospective`).")

EMPTY = Rule(
    "empty", E,
    "The title or an update's message is empty, a role names no one, or a custom field has "
    "no value.",
    "Say what readers notice and what is happening; name the person or give the value, or "
    "remove the key.",
    stages=("read", "check"))

IMPACT_MISMATCH = Rule(
    "impact-mismatch", W,
    "`impact: none`, yet a component is in `major_outage`.",
    "Raise the impact or lower the level.")

STALE_OPEN = Rule(
    "stale-open", W,
    "An incident has been open for more than 14 days.",
    "Add the `resolved` update, or keep it open knowingly.")

DUPLICATE_OPEN = Rule(
    "duplicate-open", W,
    "Two open incidents have the same title or the same components.",
    "Update the earlier incident instead, or resolve one.")

DUPLICATE_SOURCE = Rule(
    "duplicate-source", E,
    "Two entries have the same `source`, the key of the importer or monitor that wrote them.",
    "Remove the key from one of them; its next run would update both.")

NO_PUBLIC_UPDATE = Rule(
    "no-public-update", E,
    "Every update of a public entry is internal, so readers would see none.",
    "Make one update public, or make the entry `visibility: internal`.")

INTERNAL_TERMINAL = Rule(
    "internal-terminal", E,
    "The `resolved` (or `completed`) update of a public entry is internal.",
    "Remove `internal: true` from it.")

FIELD_DECLARATION = Rule(
    "field-declaration", E,
    "`incident_fields` in `components.yml` does not hold together: a reference prefix with "
    "characters other than letters, digits and `-_.#`, two severities of one rank, a select field "
    "without `options`, or `options` on a field that is not a select field.",
    "Do what the message says: one rank per severity (1 the most severe), options for select "
    "fields only.",
    stages=("read", "check"))

UNDECLARED = Rule(
    "undeclared", E,
    "An incident names a severity, incident type, role, named timestamp or custom field that "
    "`incident_fields` does not declare, or has a `reference` when no reference form is "
    "declared; the message suggests the closest.",
    "Use a declared one, or declare it under `incident_fields` in `components.yml`.")

FIELD_VALUE = Rule(
    "field-value", E,
    "A custom field's value is not of its declared type (a number field holding text, a list "
    "for a one-value field) or not one of its options; a reference not of the declared form "
    "(`INC-` and a number); a severity or an incident type on a maintenance.",
    "Give a value of the field's type, one of the options the message lists, a reference such "
    "as `INC-42`.")

STAGE = Rule(
    "stage", E,
    "An incident's `stage` does not fit its timeline: `triage` on a resolved incident, "
    "`learning` or `closed` before the `resolved` update, a stage or follow-ups on a maintenance.",
    "Accept the incident from triage (remove `stage`) or decline it (`stage: declined`) before "
    "it is resolved; add the `resolved` update before `learning`; maintenance has neither.")

REQUIRED_ROLE = Rule(
    "required-role", W,
    "An incident (not a maintenance) has nobody in a role `incident_fields.roles` declares "
    "`required: true`, whatever its status.",
    "Add the role under the incident's `roles` (`roles: {lead: Dana}`), or make the role not "
    "required.")

MAINTENANCE_REFERENCE = Rule(
    "maintenance-reference", W,
    "A maintenance has a `reference` when `incident_fields.reference` declares no "
    "`maintenance_prefix`: pages show none, as it would read as an incident's number.",
    "Declare `maintenance_prefix: MNT-` beside `prefix`, or remove `reference`.")

DUPLICATE_REFERENCE = Rule(
    "duplicate-reference", E,
    "Two incidents have the same `reference`.",
    "Give the later one the next free number (`statusgen new` does).")

TIMESTAMP_ORDER = Rule(
    "timestamp-order", E,
    "An incident's named timestamps are not in the order `incident_fields.timestamps` declares "
    "(`detected` before `impact_started`).",
    "Check the times: each must be at or after the ones declared before it.")

TIMESTAMP_UPDATES = Rule(
    "timestamp-updates", W,
    "A named timestamp disagrees with the updates: it is after the `resolved` update, or "
    "`impact_started` or `detected` is after the first update, which could only be posted once "
    "they had happened.",
    "Check the timestamp, or the update's time.")

ACKNOWLEDGED = Rule(
    "acknowledged", E,
    "An `acknowledged` that does not fit the incident's life: on a maintenance, before its "
    "first update, after its `resolved` update, or in the future.",
    "Give the time someone took ownership, between the first update and the `resolved` one; "
    "remove it from maintenance.")

UNKNOWN_COMPONENT = Rule(
    "unknown-component", E,
    "An id that `components.yml` does not have; the message suggests the closest.",
    "Use an id from `components.yml`, or add the component there.")

UNKNOWN_AUDIENCE = Rule(
    "unknown-audience", E,
    "An incident's `audiences`, or `build --audience`, names an audience that "
    "`components.yml` does not declare.",
    "Use an id from `audiences` in `components.yml`, or declare the audience there.",
    stages=("check", "build"))

AUDIENCE = Rule(
    "audience", E,
    "An audience shown as written would mislead or leak: two audiences share an id, or an "
    "entry for some audiences names a component none of them shows.",
    "Give each audience its own id; name only the audiences' components on such an entry, "
    "or add the component to one of its audiences.")

CHANNEL = Rule(
    "channel", E,
    "A notification channel in `notify` cannot be used as written: it lacks a key its `type` "
    "needs (`url_env` for slack, discord, teams and webhook; `smtp_env`, `from` and `to_env` "
    "for email), has a key its type does not use, has the id of another channel, names a "
    "variable with characters a variable cannot have (often the secret itself, pasted in "
    "place of its name), or gives a `from` that is not an email address.",
    "Give the keys the message names; put URLs and passwords in repository secrets and "
    "write only the secrets' names.",
    stages=("read", "check"))

LEVEL = Rule(
    "level", E,
    "A level that does not fit: `operational` or `under_maintenance` on an incident, a component "
    "without a level, a level on a maintenance component or update.",
    "Incidents: `{id: level}` with `degraded_performance`, `partial_outage` or `major_outage` "
    "(updates may also say `operational`). Maintenance: a list of ids, `[db]`.")

NEXT_UPDATE = Rule(
    "next-update", E,
    "An update's `next_update` is a time not after the update's own `at`.",
    "Write a duration (`30m`, `2h`) or a time after `at`.")

NEXT_UPDATE_LATE = Rule(
    "next-update-late", W,
    "An open entry's newest update promised the next one by `next_update`, and that time has "
    "passed without a newer update (checked against `--now`, as the scheduled workflow runs "
    "`validate`).",
    "Post an update (`statusgen update ID --message … --next-update 30m`), or resolve the "
    "entry.")

UPSTREAM = Rule(
    "upstream", E,
    "A component's `upstream` names no status page, or two (`statuspage` and `instatus`), or is "
    "on a group.",
    "Write one of `statuspage: URL` or `instatus: URL`, with `component:` the provider's "
    "component name (leave it out for the provider's whole page), on a component that is not "
    "a group.",
    stages=("read", "check"))

UPSTREAM_UNREAD = Rule(
    "upstream-unread", W,
    "An upstream status page could not be read at build time (unreachable, too slow, too large, "
    "not its JSON, or without the named component): the page shows the last known status and "
    "since when, or operational if it was never read.",
    "Check the address and the component's name as the provider spells it; a provider's outage "
    "passes by itself.",
    stages=("build",))

SEARCH_UNINDEXED = Rule(
    "search-unindexed", W,
    "`build` only: the search page's index could not be made, because Pagefind failed; the site "
    "is built and its search page says search is not available. (Without Pagefind installed, "
    "an optional extra, the search page says so and the build does not warn.)",
    "Read Pagefind's message; reinstall it with `pip install 'statusgen[search]'` (or put "
    "`pagefind` on `PATH`) and build again.",
    stages=("build",))

RULES: tuple[Rule, ...] = tuple(v for v in tuple(globals().values()) if isinstance(v, Rule))
"""Every rule, in the order the docs list them."""
BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}


def rule_table() -> str:
    """The rule table of ``docs/format.md``."""
    rows = ["| code | severity | what it means | how to fix |", "|---|---|---|---|"]
    rows += [f"| `{r.code}` | {r.severity} | {r.means} | {r.fix} |" for r in RULES]
    return "\n".join(rows) + "\n"
