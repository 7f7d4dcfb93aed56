"""The scan baseline a user would otherwise write: walk a tree, stat every file, and record path, size, mtime and
clip key in SQLite (with a primary key on the path and an index on the clip key). Used by bench/scan.ts.

With --same-answers it also keeps what the catalog keeps of each file, and answers the same questions from it: the
folder (indexed, for rescans folder by folder), the root, a status and when it was seen, and which file serves each
clip (the best ranked, then the newest, then the first), filled in one statement after the walk as the catalog fills
its best_files."""
import os
import re
import sqlite3
import sys
import time

root, database = sys.argv[1], sys.argv[2]
same_answers = "--same-answers" in sys.argv[3:]
clip_name = re.compile(r"^([A-Za-z0-9_-]{11}_\d{6}_\d{6})\.")
scanned_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
connection = sqlite3.connect(database)
connection.execute("PRAGMA journal_mode = WAL")
connection.execute("PRAGMA synchronous = NORMAL")
rows = []
for folder, _, names in os.walk(root):
    for name in names:
        path = os.path.join(folder, name)
        info = os.lstat(path)
        match = clip_name.match(name)
        row = (path, info.st_size, int(info.st_mtime * 1000), match.group(1) if match else None)
        if same_answers:
            empty = info.st_size == 0
            row += (folder, root, "empty" if empty else "unverified", int(empty), scanned_at)
        rows.append(row)
if same_answers:
    connection.executescript(
        """CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, bytes INTEGER, mtime_ms INTEGER, clip_key TEXT,
                              dir TEXT NOT NULL, root TEXT NOT NULL, status TEXT NOT NULL, rank INTEGER NOT NULL, scanned_at TEXT NOT NULL);
           CREATE TABLE serving (clip_key TEXT PRIMARY KEY, file_id INTEGER, status TEXT, bytes INTEGER) WITHOUT ROWID;"""
    )
    connection.executemany("INSERT INTO files (path, bytes, mtime_ms, clip_key, dir, root, status, rank, scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    connection.executescript(
        """CREATE INDEX files_by_dir ON files (dir);
           CREATE INDEX files_best_first ON files (clip_key, rank, mtime_ms DESC);
           INSERT INTO serving SELECT clip_key, id, status, bytes FROM files WHERE clip_key IS NOT NULL
             ORDER BY clip_key, rank, mtime_ms DESC, id ON CONFLICT (clip_key) DO NOTHING;"""
    )
else:
    connection.execute("CREATE TABLE files (path TEXT PRIMARY KEY, bytes INTEGER, mtime_ms INTEGER, clip_key TEXT)")
    connection.executemany("INSERT INTO files VALUES (?, ?, ?, ?)", rows)
    connection.execute("CREATE INDEX files_by_clip ON files (clip_key)")
connection.commit()
print(len(rows))
