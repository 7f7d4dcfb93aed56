"""The scan baseline a user would otherwise write: walk a tree, stat every file, and record path, size, mtime and
clip key in SQLite (with a primary key on the path and an index on the clip key). Used by bench/scan.ts."""
import os
import re
import sqlite3
import sys

root, database = sys.argv[1], sys.argv[2]
clip_name = re.compile(r"^([A-Za-z0-9_-]{11}_\d{6}_\d{6})\.")
connection = sqlite3.connect(database)
connection.execute("PRAGMA journal_mode = WAL")
connection.execute("PRAGMA synchronous = NORMAL")
connection.execute("CREATE TABLE files (path TEXT PRIMARY KEY, bytes INTEGER, mtime_ms INTEGER, clip_key TEXT)")
rows = []
for folder, _, names in os.walk(root):
    for name in names:
        path = os.path.join(folder, name)
        info = os.lstat(path)
        match = clip_name.match(name)
        rows.append((path, info.st_size, int(info.st_mtime * 1000), match.group(1) if match else None))
connection.executemany("INSERT INTO files VALUES (?, ?, ?, ?)", rows)
connection.execute("CREATE INDEX files_by_clip ON files (clip_key)")
connection.commit()
print(len(rows))
