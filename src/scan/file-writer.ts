import type { Database } from 'better-sqlite3';
import { BulkInserter } from '../catalog/bulk-insert.js';
import type { FileRecord } from './file-record.js';

const BATCH = 5000;
const NEW_FILE_COLUMNS = [
  'path',
  'dir',
  'root_id',
  'bytes',
  'mtime_ms',
  'clip_key',
  'is_replacement',
  'status',
  'detail',
  'duration',
  'verified',
  'scanned_at',
] as const;

/**
 * Writes file records in transactions of a few thousand, so an interrupted scan keeps what it established (a
 * `--verify` resumes where it stopped); files new to the catalog go in many-row inserts, known ones are updated.
 */
export class FileWriter {
  private pending: FileRecord[] = [];
  readonly touchedClipKeys = new Set<string>();
  private readonly write: (records: FileRecord[]) => void;

  constructor(db: Database) {
    // A path known under another scan root is updated in place: rows that clip_files points at are never replaced.
    const insert = new BulkInserter(
      db,
      'disk_files',
      NEW_FILE_COLUMNS,
      256,
      `ON CONFLICT (path) DO UPDATE SET ${NEW_FILE_COLUMNS.filter((column) => column !== 'path').map((column) => `${column} = excluded.${column}`).join(', ')}, gone_at = NULL`,
    );
    const update = db.prepare(
      `UPDATE disk_files SET dir = @dir, root_id = @rootId, bytes = @bytes, mtime_ms = @mtimeMs, clip_key = @clipKey,
         is_replacement = @isReplacement, status = @status, detail = @detail, duration = @duration,
         verified = @verified, scanned_at = @scannedAt, gone_at = NULL
       WHERE path = @path`,
    );
    this.write = db.transaction((records: FileRecord[]) => {
      for (const r of records) {
        if (!r.isNew) update.run(r);
        else insert.add(r.path, r.dir, r.rootId, r.bytes, r.mtimeMs, r.clipKey, r.isReplacement, r.status, r.detail, r.duration, r.verified, r.scannedAt);
      }
      insert.flush();
    });
  }

  add(record: FileRecord): void {
    this.pending.push(record);
    if (record.clipKey) this.touchedClipKeys.add(record.clipKey);
    if (this.pending.length >= BATCH) this.flush();
  }

  flush(): void {
    this.write(this.pending);
    this.pending = [];
  }
}
