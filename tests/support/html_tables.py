"""Reading the tables and lists of a generated HTML page, as a person reads them (no screenshots)."""
from html.parser import HTMLParser


class Tables(HTMLParser):
    """A page's tables (by id: rows of cell texts) and lists (by the heading above them: item texts)."""

    def __init__(self, text):
        super().__init__()
        self.tables, self.lists = {}, {}
        self.open = set()
        self.heading = self.table = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.open.add(tag)
        if tag == "h2":
            self.heading = ""
        elif tag == "table":
            self.table = self.tables.setdefault(dict(attrs).get("id"), [])
        elif tag == "tr":
            self.table.append([])
        elif tag in ("td", "th"):
            self.table[-1].append("")
        elif tag == "li":
            self.lists.setdefault(self.heading, []).append("")

    def handle_endtag(self, tag):
        self.open.discard(tag)

    def handle_data(self, data):
        if "h2" in self.open:
            self.heading += data
        elif "td" in self.open or "th" in self.open:
            self.table[-1][-1] += data
        elif "li" in self.open:
            self.lists[self.heading][-1] += data
