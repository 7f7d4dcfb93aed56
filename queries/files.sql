-- Files on disk, one a row: status (ok, empty, damaged, short, unchecked, unverified; gone only when asked), size,
-- the clip each holds (NULL: a name that is no clip's), why a damaged one is damaged, and the folder scanned.
-- root: the files under that folder, a scanned one or any folder below it.
-- params: status?, root?
SELECT path, bytes, status, clip_key, duration, detail, root, mtime
FROM files
WHERE (CASE WHEN :status IS NULL THEN status <> 'gone' ELSE status = :status END)
  AND (:root IS NULL OR (path > rtrim(:root, '/') || '/' AND path < rtrim(:root, '/') || '0'))
ORDER BY path;
