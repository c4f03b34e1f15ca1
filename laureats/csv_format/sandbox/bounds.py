"""What a workbook's XML asks its reader to build, measured before the reader runs.

python-calamine builds each sheet as a dense grid from its first to its last filled cell, copies
a shared string into every cell that uses it, expands ODS repeat attributes into cells, and
reserves room for as many shared strings as a file declares: one cell at XFD1048576 next to A1
asks for 549 GB, and an allocation that fails aborts the process, which no `except` catches.
So every XML part of the archive is read here first, as a stream (expat holds one element at a
time), and a file is refused, with what went past which limit, before calamine opens it.

It also finds the formulas stored without their computed value (a file written by a program and
never opened in a spreadsheet application), which calamine would read as empty cells.

Every part is read with the handlers of both formats (calamine tries XLSX, then XLSB, then ODS,
on any archive), whatever its name. Runs in the reader's own process (see __main__.py): the
standard library only.
"""

from array import array
from xml.parsers import expat

from grid import Findings, Refused
from opendocument import OpenDocument
from spreadsheetml import SpreadsheetML

CHUNK = 65536
# Element names whose handler is remembered, per part: a real part uses a few dozen.
KNOWN_NAMES = 1000


def scan(archive, limits):
    """Findings of the archive's XML; Refused as soon as a limit is passed.

    A part that is not well-formed XML (an image, or a cell holding a NUL character, which
    calamine reads and the import then refuses by name) is measured up to where expat stops:
    what follows is bounded by the process's caps only.
    """
    findings = Findings()
    parts = {normalised(info.filename): info for info in archive.infolist() if not info.is_dir()}
    sheets, shared_path = workbook_parts(archive, parts, limits)
    shared = array("I")
    # The shared strings first: a cell that points at one is counted with its length.
    for path in sorted(parts, key=lambda path: path != shared_path):
        sheet = sheets.get(path, parts[path].filename)
        handlers = Handlers(
            SpreadsheetML(sheet, limits, findings, shared, holds_shared=path == shared_path),
            OpenDocument(sheet, limits, findings),
        )
        parse(archive, parts[path], handlers.start, handlers.end, handlers.text)
    return findings


class Handlers:
    """Several sets of handlers, each called for the elements it names (by local name)."""

    def __init__(self, *sets):
        self.starts, self.ends = {}, {}
        for handlers in sets:
            self.starts.update(handlers.starts)
            self.ends.update(handlers.ends)
        self.texts = [handlers.text for handlers in sets]
        self.known_starts, self.known_ends = {}, {}

    def start(self, name, attributes):
        handler = self.known_starts.get(name) or self.handler(name, self.starts, self.known_starts)
        if handler:
            handler(attributes)

    def end(self, name):
        handler = self.known_ends.get(name) or self.handler(name, self.ends, self.known_ends)
        if handler:
            handler()

    def handler(self, name, handlers, known):
        handler = handlers.get(name.rpartition(":")[2])
        if handler and len(known) < KNOWN_NAMES:
            known[name] = handler
        return handler

    def text(self, data):
        for text in self.texts:
            text(data)


def parse(archive, info, start, end=None, text=None):
    """Reads a part through the handlers; False where it is not well-formed XML."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        return False
    return True


def normalised(path):
    """A part's name as calamine looks it up: case and slashes ignored."""
    return path.replace("\\", "/").lower()


def workbook_parts(archive, parts, limits):
    """XLSX: {sheet part: sheet name} and the shared strings part, found as calamine finds
    them (the package's relationships, then the workbook's)."""
    relationships = read_relationships(archive, parts, "_rels/.rels")
    document = next(
        (target for kind, target in relationships.values() if kind.endswith("/officeDocument")),
        None,
    )
    if document is None:
        return {}, None
    folder = document[: document.rfind("/") + 1].removeprefix("/")
    targets = read_relationships(archive, parts, normalised(folder + "_rels/workbook.xml.rels"))
    sheets = {}

    def sheet(name, attributes):
        if name.rpartition(":")[2] != "sheet":
            return
        if len(sheets) >= limits.sheets:
            raise Refused("sheets", count=len(sheets) + 1)
        identifier = next((v for k, v in attributes.items() if k.rpartition(":")[2] == "id"), "")
        target = targets.get(identifier, ("", ""))[1]
        if target:
            path = target[1:] if target.startswith("/") else folder + target
            sheets.setdefault(normalised(path), attributes.get("name", path))

    workbook = normalised(folder + "workbook.xml")
    if workbook in parts:
        parse(archive, parts[workbook], sheet)
    return sheets, normalised(folder + "sharedStrings.xml")


def read_relationships(archive, parts, path):
    """{Id: (Type, Target)} of a relationships part."""
    found = {}

    def relationship(name, attributes):
        if name.rpartition(":")[2] == "Relationship" and len(found) < 10_000:
            found[attributes.get("Id", "")] = (
                attributes.get("Type", ""),
                attributes.get("Target", ""),
            )

    if path in parts:
        parse(archive, parts[path], relationship)
    return found
