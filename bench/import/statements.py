"""Counts the statements in a PostgreSQL log (log_statement = 'all') by kind and first table, per stored line.

Usage: statements.py LOG LINES
"""
import collections
import re
import sys

log, lines = sys.argv[1], int(sys.argv[2])
kinds = collections.Counter()
for entry in open(log, encoding="utf-8", errors="replace"):
    m = re.search(r"LOG:  (?:statement|execute [^:]*): (.*)", entry)
    if not m:
        continue
    sql = m.group(1).strip()
    verb = sql.split(None, 1)[0].upper() if sql else "?"
    table = re.search(r'(?:INSERT INTO|UPDATE|DELETE FROM|FROM)\s+"?([a-z_]+)"?', sql, re.IGNORECASE)
    kinds[f"{verb} {table.group(1) if table else ''}".strip()] += 1
for kind, count in kinds.most_common():
    print(f"  {count / lines:5.2f}  {kind}")
