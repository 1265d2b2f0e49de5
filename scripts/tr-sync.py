#!/usr/bin/env python3
"""Brings a crate's English .po in line with the @tr() strings of its .slint files.

slint looks translations up by (component, text); moving a string to another component
needs a new msgctxt. This keeps every existing English text (found by its Chinese source),
writes one entry per (component, text) in source order, and lists what still needs English.

    scripts/tr-sync.py kiosk hall-kiosk
"""
import glob
import re
import sys

crate, domain = sys.argv[1], sys.argv[2]
po_path = f"{crate}/translations/en/LC_MESSAGES/{domain}.po"
known = {}
text = open(po_path, encoding="utf-8").read()
for msgid, msgstr in re.findall(r'msgid "((?:[^"\\]|\\.)*)"\nmsgstr "((?:[^"\\]|\\.)*)"', text):
    if msgid:
        known[msgid] = msgstr

entries = []
for path in sorted(glob.glob(f"{crate}/ui/*.slint")):
    component = None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"\s*(?:export\s+)?component\s+([\w-]+)", line)
        if m:
            component = m.group(1)
        for s in re.findall(r'@tr\("((?:[^"\\]|\\.)*)"', line):
            if (component, s) not in entries:
                entries.append((component, s))

header = text.split("\n\n")[0]
out = [header, ""]
missing = []
for component, s in entries:
    if s not in known:
        missing.append(f"{component}: {s}")
    out += [f'msgctxt "{component}"', f'msgid "{s}"', f'msgstr "{known.get(s, "")}"', ""]
open(po_path, "w", encoding="utf-8").write("\n".join(out))
print(f"{po_path}: {len(entries)} strings")
for m in missing:
    print("needs English:", m)
sys.exit(1 if missing else 0)
