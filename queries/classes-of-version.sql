-- The label map of one version: every class with its 0-based index in code-point order.
-- params: version (k400 | k600 | k700-2020)
SELECT idx, label FROM classes WHERE version = :version ORDER BY idx;
