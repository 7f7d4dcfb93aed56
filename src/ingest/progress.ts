import type { FileOutcome } from './ingest-file.js';

/** Live counters of the file being read; reporters sample them. */
export interface FileProgress {
  path: string;
  bytes: number;
  totalBytes: number | undefined;
  rows: number;
}

/** What ingest tells as it goes: each file as it starts (its live counters) and as it ends. */
export interface IngestReporter {
  fileStarted(progress: FileProgress): void;
  fileFinished(outcome: FileOutcome): void;
}
