"""Is an SVG file a picture, or a program?

An SVG opened from the status page's own site runs its scripts with the page's
origin, and GitHub Pages sends no header that would stop it.  So an attached SVG
is published only when it is a drawing: every element from a list of drawing
elements, no event handler, links only inside the file (``#id``) or to embedded
raster images, no style that loads anything, no DOCTYPE (entities) and no
processing instruction (an ``xml-stylesheet`` runs XSLT).  Anything else is
refused with the line of the first offending element, not rewritten: a quietly
altered image would surprise its author more than a clear error.
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
_CSS_RISK = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding|"
                       r"url\s*\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


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
        if local == "style" and _CSS_RISK.search(value):
            raise ActiveContent(f"line {line}: the style of <{tag}> loads or runs something")


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
        self.style: list[str] = []

    def line(self) -> int:
        return int(self.parser.CurrentLineNumber)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        namespace, tag = _split(name)
        line = self.line()
        if not self.open and (namespace, tag) != (SVG_NS, "svg"):
            raise ActiveContent("its root is not an <svg> element in the SVG namespace")
        described = "metadata" in self.open
        self.open.append(tag)
        if described and namespace not in (SVG_NS, XHTML_NS):
            return  # RDF and Dublin Core inside <metadata> describe, they do not run
        if namespace != SVG_NS or tag not in DRAWING:
            raise ActiveContent(f"line {line}: <{tag}> is not a drawing element{_why(tag)}")
        _check_attributes(tag, attrs, line)

    def end(self, name: str) -> None:
        if self.open.pop() == "style" and _CSS_RISK.search("".join(self.style)):
            raise ActiveContent(f"line {self.line()}: a <style> element loads or runs something "
                                "(@import, url(), expression); keep styles that set colours "
                                "and sizes only")
        self.style = []

    def text(self, data: str) -> None:
        if self.open and self.open[-1] == "style":
            self.style.append(data)

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
