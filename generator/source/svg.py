"""Is an SVG file a picture, or a program?

An SVG opened from the status page's own site runs its scripts with the page's
origin, and GitHub Pages sends no header that would stop it.  So an attached SVG
is published only when it is a drawing: every element from a list of drawing
elements, no event handler, links only inside the file (``#id``) or to embedded
raster images, no style that loads anything, no DOCTYPE (entities) and no
processing instruction (an ``xml-stylesheet`` runs XSLT).  Anything else is
refused with the line of the first offending element, not rewritten: a quietly
altered image would surprise its author more than a clear error.

Styles are read as the browser reads them (:func:`css_source`): comments removed and
escapes replaced (``\\75rl(`` is ``url(``), XML's character references already
replaced by the parser (``&#x75;rl(``).  That goes for ``<style>``, ``style=`` and every
other attribute a browser may read as CSS (``fill="url(…)"``, ``mask``, ``filter``):
only functions from a list that cannot load anything are allowed, ``url()`` only to
an ``#id`` of the file, and no at-rule but those that group rules (no ``@import``).
"""

from __future__ import annotations

import re
from xml.parsers import expat

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XHTML_NS = "http://www.w3.org/1999/xhtml"

_DRAWING_NAMES = """
svg g defs symbol use title desc metadata switch
path rect circle ellipse line polyline polygon text tspan textPath
linearGradient radialGradient stop pattern clipPath mask marker image style
filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset
fePointLight feSpecularLighting feSpotLight feTile feTurbulence
"""
DRAWING = frozenset(_DRAWING_NAMES.split())
"""Elements that only draw.  Not here: script, foreignObject (HTML inside), a (navigation),
animate/set (they can rewrite an ``href`` into ``javascript:``), iframe, embed."""

_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,", re.IGNORECASE)
MATHML_NS = "http://www.w3.org/1998/Math/MathML"

_SAFE_FUNCTIONS = """
rgb rgba hsl hsla hwb lab lch oklab oklch color color-mix light-dark
calc min max clamp round mod rem abs sign var env
translate translatex translatey translatez translate3d rotate rotatex rotatey rotatez rotate3d
scale scalex scaley scalez scale3d skew skewx skewy matrix matrix3d perspective
linear-gradient radial-gradient conic-gradient repeating-linear-gradient
repeating-radial-gradient repeating-conic-gradient
blur brightness contrast drop-shadow grayscale hue-rotate invert opacity saturate sepia
cubic-bezier steps linear
circle ellipse inset polygon rect xywh path
not is where has nth-child nth-last-child nth-of-type nth-last-of-type lang dir
and or media supports
"""
SAFE_FUNCTIONS = frozenset(_SAFE_FUNCTIONS.split())
"""CSS functions that compute a value and load nothing.  Not here: ``url()`` (allowed only to
an ``#id``), ``image-set()``, ``image()``, ``cross-fade()``, ``element()``, ``src()``,
``local()``, ``attr()`` (it can turn an attribute into a URL) and ``expression()``."""
SAFE_AT_RULES = frozenset({"media", "supports", "keyframes", "-webkit-keyframes", "layer",
                           "container"})
"""At-rules that only group or name rules; not ``@import``, ``@font-face`` or ``@namespace``."""
TEXT_ATTRIBUTES = frozenset({"id", "class", "lang", "role", "tabindex"})
"""Attributes no browser reads as CSS, which may hold any text (``aria-*`` too)."""

_FUNCTION = re.compile(r"([a-z0-9_-]+)\s*\(")
_LOCAL_URL = re.compile(r"url\s*\(\s*['\"]?\s*#")
_AT_RULE = re.compile(r"@([a-z0-9_-]*)")
_HEX = frozenset("0123456789abcdefABCDEF")


def css_source(text: str) -> str:
    """``text`` as the CSS tokenizer reads it: line ends and NULs preprocessed (CSS Syntax
    §3.3), comments removed (outside strings only, as §4.3.2 does), and every escape
    replaced by the character it stands for (§4.3.7), in strings too."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\0", "\ufffd")
    out: list[str] = []
    quote = ""
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if not quote and text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = end if close < 0 else close + 2
            continue
        if char == "\\":
            i = _escape(text, i, quote, out)
            continue
        if not quote and char in "\"'":
            quote = char
        elif quote and char in (quote, "\n"):  # a newline ends a (bad) string too
            quote = ""
        out.append(char)
        i += 1
    return "".join(out)


def _escape(text: str, i: int, quote: str, out: list[str]) -> int:
    """Append what the escape at ``text[i]`` (a backslash) stands for; the index after it."""
    following = text[i + 1:i + 2]
    if not following:
        out.append("\ufffd")
        return i + 1
    if following == "\n":
        # In a string, an escaped newline continues the line; outside, it is no escape.
        if not quote:
            out.append("\\\n")
        return i + 2
    if following not in _HEX:
        out.append(following)
        return i + 2
    j = i + 1
    while j < len(text) and j - i <= 6 and text[j] in _HEX:
        j += 1
    code = int(text[i + 1:j], 16)
    if j < len(text) and text[j] in " \t\n":
        j += 1  # one whitespace ends the escape and belongs to it
    out.append("\ufffd" if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code))
    return j


def css_problem(text: str) -> str | None:
    """What in the CSS ``text`` loads or runs something, or ``None`` when nothing does."""
    source = css_source(text).lower()
    for found in _FUNCTION.finditer(source):
        name = found.group(1)
        if name == "url":
            if not _LOCAL_URL.match(source, found.start()):
                return "`url()` to something other than an #id of the file"
        elif name not in SAFE_FUNCTIONS:
            return f"`{name}()`, which can load or run something"
    for found in _AT_RULE.finditer(source):
        if found.group(1) not in SAFE_AT_RULES:
            return f"`@{found.group(1)}`, which can load another file"
    return None


class ActiveContent(ValueError):
    """The SVG can do more than draw; the message says what and on which line."""


def _split(name: str) -> tuple[str, str]:
    """expat's ``namespace local`` (namespace separator: a space) → (namespace, local)."""
    namespace, _, local = name.rpartition(" ")
    return namespace, local


def _check_attributes(tag: str, attrs: dict[str, str], line: int) -> None:
    for name, value in attrs.items():
        namespace, local = _split(name)
        if local.lower().startswith("on"):
            raise ActiveContent(f"line {line}: `{local}` on <{tag}> runs code")
        if namespace == XML_NS and local == "base":
            raise ActiveContent(f"line {line}: `xml:base` changes where links go")
        if local == "href" and namespace in ("", XLINK_NS):
            target = value.strip()
            embedded = tag in ("image", "feImage") and _IMAGE_DATA.match(target)
            if not target.startswith("#") and not embedded:
                raise ActiveContent(f"line {line}: <{tag}> links to `{target[:60]}`; an attached "
                                    "SVG may link only inside itself (#id) or embed a PNG, JPEG, "
                                    "GIF or WebP image")
        elif namespace == "" and local not in TEXT_ATTRIBUTES and not local.startswith("aria-"):
            # `style` and the presentation attributes (fill, mask, filter, …) are CSS; any
            # other attribute is held to the same rule rather than trusted to be none of them.
            problem = css_problem(value)
            if problem is not None:
                raise ActiveContent(f"line {line}: `{local}` of <{tag}> uses {problem}; keep "
                                    "styles to colours, sizes and #ids of the file")


class _Inspector:
    """Walks the file with expat, which gives each element's line."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.ProcessingInstructionHandler = self.instruction
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.entity
        self.open: list[str] = []
        self.style: list[list[str]] = []
        """The text of each ``<style>`` open, read whole once it closes."""

    def line(self) -> int:
        return int(self.parser.CurrentLineNumber)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        namespace, tag = _split(name)
        line = self.line()
        if not self.open and (namespace, tag) != (SVG_NS, "svg"):
            raise ActiveContent("its root is not an <svg> element in the SVG namespace")
        described = "metadata" in self.open
        self.open.append(tag)
        if tag == "style":
            self.style.append([])
        if not (described and namespace not in (SVG_NS, XHTML_NS, MATHML_NS)) and \
                (namespace != SVG_NS or tag not in DRAWING):
            raise ActiveContent(f"line {line}: <{tag}> is not a drawing element{_why(tag)}")
        # RDF and Dublin Core inside <metadata> describe, they do not run; their attributes
        # are held to the same rules all the same.
        _check_attributes(tag, attrs, line)

    def end(self, name: str) -> None:
        if self.open.pop() != "style":
            return
        # The sheet is the style's own text, whatever elements split it (`@im<g/>port`).
        problem = css_problem("".join(self.style.pop()))
        if problem is not None:
            raise ActiveContent(f"line {self.line()}: a <style> element uses {problem}; keep "
                                "styles to colours, sizes and #ids of the file")

    def text(self, data: str) -> None:
        if self.open and self.open[-1] == "style":
            self.style[-1].append(data)

    def instruction(self, target: str, data: str) -> None:
        raise ActiveContent(f"line {self.line()}: the processing instruction <?{target}?> can run "
                            "code (XSLT); remove it")

    def doctype(self, *args: object) -> None:
        raise ActiveContent(f"line {self.line()}: a DOCTYPE can define entities; remove it")

    def entity(self, *args: object) -> None:
        raise ActiveContent(f"line {self.line()}: entities are not allowed; remove them")


def check_svg(data: bytes) -> None:
    """Raise :class:`ActiveContent` unless ``data`` is an SVG drawing and nothing more."""
    inspector = _Inspector()
    try:
        inspector.parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ActiveContent(f"it is not well-formed XML ({expat.ErrorString(exc.code)}, line "
                            f"{exc.lineno})") from exc


def _why(tag: str) -> str:
    reasons = {
        "script": ": it runs code on the status page's own site",
        "foreignObject": ": it holds HTML, which can run code",
        "a": ": links inside an image can lead readers anywhere",
        "animate": ": animations can turn a link into code",
        "set": ": it can turn a link into code",
        "iframe": ": it loads another page",
    }
    return reasons.get(tag, "")
