import type { Database } from 'better-sqlite3';
import { BulkInserter } from '../catalog/bulk-insert.js';
import type { FileRecord } from './file-record.js';

const BATCH = 5000;
const FILE_COLUMNS = [
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
  'serve_rank',
] as const;

/**
 * Writes file records in transactions of a few thousand, so an interrupted scan keeps what it established (a
 * `--verify` resumes where it stopped), with many-row upserts: a known path, under whatever scan root, is updated
 * in place, keeping its id.
 */
export class FileWriter {
  private pending: FileRecord[] = [];
  /** Records written so far: how much a scan or fetch changed. */
  written = 0;
  private readonly write: (records: FileRecord[]) => void;

  constructor(db: Database) {
    const upsert = new BulkInserter(
      db,
      'disk_files',
      FILE_COLUMNS,
      256,
      `ON CONFLICT (path) DO UPDATE SET ${FILE_COLUMNS.filter((column) => column !== 'path').map((column) => `${column} = excluded.${column}`).join(', ')}, gone_at = NULL`,
    );
    this.write = db.transaction((records: FileRecord[]) => {
      for (const r of records) {
        upsert.add(r.path, r.dir, r.rootId, r.bytes, r.mtimeMs, r.clipKey, r.isReplacement, r.status, r.detail, r.duration, r.verified, r.scannedAt, r.serveRank);
      }
      upsert.flush();
    });
  }

  add(record: FileRecord): void {
    this.pending.push(record);
    if (this.pending.length >= BATCH) this.flush();
  }

  flush(): void {
    this.write(this.pending);
    this.written += this.pending.length;
    this.pending = [];
  }
}
