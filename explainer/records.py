"""Plain YAML data → checked field values, collecting every problem with its line.

The generic part of validation, shared by the claims, the sources registry and the article's
data file: top-level lists of entries, required and optional keys (with "did you mean" for a
misspelt one), and values that must be non-empty strings or lists of them. The rules of each
kind of record live with it (claims.py, articleinfo.py). Pure: the caller passes parsed data.
"""

from __future__ import annotations

from .problems import Problem
from .values import check_text, closest, hint
from .yamlload import KEY_LINES, LINE_KEY

LIST_KEYS = ("quotes", "sources", "aliases", "furniture", "heads", "months")


class Checker:
    """Collects problems for one file while records are built."""

    def __init__(self, path: str) -> None:
        self.path, self.problems = path, []

    def add(self, line: int, subject: str, problem: str) -> None:
        self.problems.append(Problem(self.path, line, subject, problem))

    @staticmethod
    def line_of(entry: dict, key: str) -> int:
        return entry.get(KEY_LINES, {}).get(key, entry[LINE_KEY])

    def entries(self, data: object, top_key: str) -> list[dict]:
        if data is None:
            self.add(1, self.path, f"the file is empty; expected a '{top_key}:' list")
            return []
        if not isinstance(data, dict) or not isinstance(data.get(top_key), list):
            line = data.get(LINE_KEY, 1) if isinstance(data, dict) else 1
            self.add(line, self.path, f"expected a mapping with a '{top_key}:' list")
            return []
        extra = sorted(str(k) for k in data if k not in (top_key, LINE_KEY, KEY_LINES))
        if extra:
            self.add(data[LINE_KEY], self.path, f"unknown top-level key '{extra[0]}'")
        good = [e for e in data[top_key] if isinstance(e, dict)]
        if len(good) != len(data[top_key]):
            self.add(data[LINE_KEY], self.path, f"every '{top_key}' entry must be a mapping")
        if not data[top_key]:
            self.add(data[LINE_KEY], self.path, f"the '{top_key}' list is empty")
        return good

    def fields(self, entry: dict, keys: dict, subject: str, nested: tuple = ()) -> dict:
        """Check keys and that values are non-empty strings or lists of them.

        Keys in `nested` (lists of mappings) are known but left to the caller to check.
        """
        out, meant = {}, set()
        for key in sorted(set(entry) - set(keys) - {LINE_KEY, KEY_LINES}, key=str):
            meant.update(filter(None, [closest(str(key), keys)]))
            self.add(
                self.line_of(entry, key), subject, f"unknown key '{key}'{hint(str(key), keys)}"
            )
        for key, required in keys.items():
            if key in nested:
                continue
            value, line = entry.get(key), self.line_of(entry, key)
            if value is None:
                # A misspelt key is reported once, as unknown, not again as missing.
                if required and key not in meant and (key != "date" or key not in entry):
                    null = " (use null when it is not known)" if key == "date" else ""
                    self.add(line, subject, f"missing required key '{key}'{null}")
                elif not required and key in entry:  # only a source's date may be null
                    self.add(line, subject, f"'{key}' is empty; give it a value or delete the line")
            elif (clean := self.value(key, value, line, subject)) is not None:
                out[key] = clean
        return out

    def value(self, key: str, value: object, line: int, subject: str) -> str | tuple | None:
        """Return a field's value stripped, or None after adding its problem."""
        listed = key in LIST_KEYS
        strings = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        if isinstance(value, list) and not listed:
            self.add(line, subject, f"'{key}' must be a non-empty string, not a list")
        elif isinstance(value, list) and not (value and strings):
            self.add(line, subject, f"'{key}' must be a list of non-empty strings")
        elif isinstance(value, list):
            lines = getattr(value, "lines", [line] * len(value))
            bad = [(n, p) for n, v in zip(lines, value) if (p := check_text(v))]
            for item_line, problem in bad:
                self.add(item_line, subject, f"'{key}' {problem}")
            return None if bad else tuple(v.strip() for v in value)
        elif not isinstance(value, str) or not value.strip():
            kind = "a list of non-empty strings" if listed else "a non-empty string"
            self.add(line, subject, f"'{key}' must be {kind}")
        elif listed:
            self.add(line, subject, f"'{key}' must be a list, e.g. [{value!r}]")
        elif problem := check_text(value):
            self.add(line, subject, f"'{key}' {problem}")
        else:
            return value.strip()
        return None
