import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export type Fault = '500' | '429' | '404' | 'reset' | 'short' | 'wrong-length' | 'trickle' | 'ignore-range' | 'stall' | 'stall-body' | 'garbage';

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  range?: string;
  ifNoneMatch?: string;
}

/**
 * A real HTTP server on 127.0.0.1 serving a folder laid out like the CVDF bucket: ETag / If-None-Match, Range,
 * and faults queued per path (each fault answers one request, then the file is served normally).
 */
export class BucketServer {
  readonly log: RequestLogEntry[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private server: Server | undefined;
  url = '';

  constructor(private readonly root: string) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  fail(path: string, ...faults: Fault[]): void {
    this.faults.set(path, [...(this.faults.get(path) ?? []), ...faults]);
  }

  /** Drops the faults not served yet: from now on every file is served normally. */
  heal(): void {
    this.faults.clear();
  }

  requestsFor(path: string): RequestLogEntry[] {
    return this.log.filter((entry) => entry.path === path);
  }

  private readonly etags = new Map<string, string>();
  private uploads = 1;

  /**
   * Every file as uploaded again in parts: the same bytes, each with another ETag (S3's is then not their MD5, and
   * ends in `-<parts>`; here `-<uploads>`, so that each call gives new ones).
   */
  uploadAgainInParts(): void {
    this.uploads++;
  }

  /**
   * The content's MD5, as S3 answers for an object uploaded in one part (until uploadAgainInParts); computed once per
   * file version (benchmarks serve files of hundreds of MB).
   */
  private etagOf(file: string, size: number, mtimeMs: number): string {
    const key = `${file}\0${size}\0${mtimeMs}`;
    let etag = this.etags.get(key);
    if (!etag) {
      etag = createHash('md5').update(readFileSync(file)).digest('hex');
      this.etags.set(key, etag);
    }
    return this.uploads === 1 ? `"${etag}"` : `"${createHash('md5').update(etag).digest('hex')}-${this.uploads}"`;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname.slice(1));
    const entry: RequestLogEntry = {
      method: request.method ?? 'GET',
      path,
      status: 0,
      range: request.headers.range,
      ifNoneMatch: request.headers['if-none-match'],
    };
    this.log.push(entry);
    const answer = (status: number, headers: Record<string, string | number> = {}) => {
      entry.status = status;
      response.writeHead(status, headers);
    };
    const fault = this.faults.get(path)?.shift();
    // A server that accepts the request and never answers it (stop() closes the connection).
    if (fault === 'stall') return;
    if (fault === 'garbage') {
      // A 200 whose body is an error page, as a proxy or a captive portal sends.
      const page = `<html><body>${'Service temporarily unavailable. '.repeat(200)}</body></html>`;
      answer(200, { 'content-length': Buffer.byteLength(page) });
      response.end(page);
      return;
    }
    const file = join(this.root, ...path.split('/'));
    const info = statSync(file, { throwIfNoEntry: false });
    if (fault === '404' || !info?.isFile() || path.split('/').includes('..')) {
      answer(404);
      response.end();
      return;
    }
    if (fault === '500' || fault === '429') {
      answer(Number(fault), fault === '429' ? { 'retry-after': '0' } : {});
      response.end();
      return;
    }
    const etag = this.etagOf(file, info.size, info.mtimeMs);
    if (request.headers['if-none-match'] === etag) {
      answer(304, { etag });
      response.end();
      return;
    }
    let start = 0;
    const rangeMatch = fault === 'ignore-range' ? null : /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (rangeMatch) start = Number(rangeMatch[1]);
    if (start >= info.size && start > 0) {
      // As S3 answers a range that starts at or past the end: no bytes, and the file's size.
      answer(416, { 'content-range': `bytes */${info.size}` });
      response.end();
      return;
    }
    const length = info.size - start;
    const headers: Record<string, string | number> = { etag, 'content-length': length, 'accept-ranges': 'bytes' };
    if (rangeMatch) headers['content-range'] = `bytes ${start}-${info.size - 1}/${info.size}`;
    if (fault === 'wrong-length') headers['content-length'] = length + 100;
    answer(rangeMatch ? 206 : 200, headers);
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const body = createReadStream(file, { start, highWaterMark: 1 << 20 });
    if (fault === 'stall-body') {
      // Headers and the body's first 100 bytes (before any tar member ends), then nothing: the connection stays open.
      response.write(readFileSync(file).subarray(start, start + Math.min(100, length)));
      body.destroy();
      return;
    }
    if (fault === 'reset' || fault === 'short') {
      // Half the body reaches the client, then the connection dies: RST, or a plain close.
      const bytes = readFileSync(file).subarray(start);
      response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () =>
        setTimeout(() => (fault === 'reset' ? response.socket?.resetAndDestroy() : response.socket?.destroy()), 20),
      );
      body.destroy();
      return;
    }
    if (fault === 'wrong-length') {
      body.on('data', (chunk) => response.write(chunk));
      body.on('end', () => setTimeout(() => response.socket?.destroy(), 20));
      return;
    }
    if (fault === 'trickle') {
      body.on('data', (chunk) => {
        body.pause();
        response.write(chunk, () => setTimeout(() => body.resume(), 20));
      });
      body.on('end', () => response.end());
      return;
    }
    body.pipe(response);
  }
}
