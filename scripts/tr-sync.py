#!/usr/bin/env python3
"""Brings a crate's English .po in line with the @tr() strings of its .slint files.

slint looks translations up by (component, text); moving a string to another component
needs a new msgctxt. This keeps every existing English text (found by its Chinese source),
writes one entry per (component, text) in source order, and lists what still needs English.
A counted string (`@tr("{n} 项" | "{n} 项" % n)`) gets plural forms (msgstr[0], msgstr[1]).

    scripts/tr-sync.py kiosk hall-kiosk
"""
import glob
import re
import sys

crate, domain = sys.argv[1], sys.argv[2]
po_path = f"{crate}/translations/en/LC_MESSAGES/{domain}.po"
text = open(po_path, encoding="utf-8").read()
STR = r'"((?:[^"\\]|\\.)*)"'
# English by (context, Chinese), and by Chinese alone for a string moved to another component.
known, known_plural = {}, {}
for entry in text.split("\n\n"):
    ctx = re.search(r"^msgctxt " + STR, entry, re.M)
    msgid = re.search(r"^msgid " + STR, entry, re.M)
    if not msgid or not msgid.group(1):
        continue
    key = (ctx.group(1) if ctx else None, msgid.group(1))
    forms = re.findall(r"^msgstr\[\d\] " + STR, entry, re.M)
    if re.search(r"^msgid_plural ", entry, re.M):
        english, table = (forms + ["", ""])[:2], known_plural
    else:
        msgstr = re.search(r"^msgstr " + STR, entry, re.M)
        english, table = msgstr.group(1) if msgstr else "", known
    table[key] = english
    table.setdefault(key[1], english)

entries = []
for path in sorted(glob.glob(f"{crate}/ui/*.slint")):
    component = None
    for line in open(path, encoding="utf-8"):
        code = line.split("//")[0]
        m = re.match(r"\s*(?:export\s+)?(?:component|global)\s+([\w-]+)", code)
        if m:
            component = m.group(1)
        for ctx, s, counted in re.findall(r'@tr\((?:' + STR + r'\s*=>\s*)?' + STR + r'\s*(\|?)', line):
            entry = (ctx or component, s, bool(counted))
            if entry not in entries:
                entries.append(entry)

header = text.split("\n\n")[0]
out = [header, ""]
missing = []
for component, s, counted in entries:
    english = known_plural if counted else known
    found = english.get((component, s), english.get(s))
    if not found or (counted and not all(found)):
        missing.append(f"{component}: {s}")
    out += [f'msgctxt "{component}"', f'msgid "{s}"']
    if counted:
        one, many = found or ("", "")
        out += [f'msgid_plural "{s}"', f'msgstr[0] "{one}"', f'msgstr[1] "{many}"', ""]
    else:
        out += [f'msgstr "{found or ""}"', ""]
open(po_path, "w", encoding="utf-8").write("\n".join(out))
print(f"{po_path}: {len(entries)} strings")
for m in missing:
    print("needs English:", m)
sys.exit(1 if missing else 0)
