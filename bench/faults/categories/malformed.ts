/**
 * Malformed input: annotation CSVs, K600 `ls -R` listings, path lists and the downstream tarballs, each damaged one
 * way (bad quoting, wrong columns, bytes that are not UTF-8, youtube ids not 11 characters, start after end, `..`,
 * `%2e%2e` and NUL in URLs, another split's URLs, junk, empty files) or changed in a way the README says it reads
 * the same (BOM, CRLF mixes, blank lines, repeated rows).
 *
 * A refused file: exit 65 (or 1 where the bytes are no archive at all), one line naming `file:line: expected …`
 * (the line the damage is on, where there is one), and the catalog table for table, row for row as before that
 * ingest. A file read the same: exit 0 and the same clips, shards and downstream rows as before.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cleanDirIngest, ingestedRawDigest, useBucketCopy, useTemplate } from '../fixtures.js';
import {
  type CliRun,
  type Try,
  type TryContext,
  expectExit,
  expectIntegrity,
  expectSameDigest,
  firstLines,
  rawDigest,
  semanticDigest,
} from '../lib.js';

/** Where the damage is: a 1-based line the error must name, or any line of the file. */
type Where = number | 'any';

/** An edit of a file's text; the text is latin1, one character a byte, so any byte sequence can be written. */
interface Variant {
  name: string;
  expect: 'refuse' | 'same';
  /** Exit codes that count as refusing (default 65). */
  codes?: number[];
  edit(text: string, random: () => number): { text: string; where?: Where };
}

// ─── Editing lines and fields ───────────────────────────────────────────────────────────────────────────────────

const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
const BOM = utf8('\uFEFF');
const HTML = '<html><head><title>503 Service Unavailable</title></head><body>Service temporarily unavailable.</body></html>\n';

function lines(text: string): string[] {
  return text.split('\n');
}

/** A random line index (0-based) from `first` on whose line is not blank. */
function pickLine(all: string[], first: number, random: () => number): number {
  const candidates = all.map((line, index) => ({ line, index })).filter(({ line, index }) => index >= first && line.trim() !== '');
  return candidates[Math.floor(random() * candidates.length)]!.index;
}

/** Edits line `index` with its `\r` (if any) kept aside. */
function editLine(all: string[], index: number, edit: (line: string) => string): void {
  const line = all[index]!;
  const cr = line.endsWith('\r') ? '\r' : '';
  all[index] = edit(cr ? line.slice(0, -1) : line) + cr;
}

/** A variant that edits one random line from `first` on and must be refused naming that line. */
function onLine(name: string, first: number, edit: (line: string, random: () => number) => string): Variant {
  return {
    name,
    expect: 'refuse',
    edit(text, random) {
      const all = lines(text);
      const index = pickLine(all, first, random);
      editLine(all, index, (line) => edit(line, random));
      return { text: all.join('\n'), where: index + 1 };
    },
  };
}

/** A variant that replaces the whole text. */
function whole(name: string, expect: Variant['expect'], make: (text: string) => string, where: Where = 'any', codes?: number[]): Variant {
  return { name, expect, codes, edit: (text) => ({ text: make(text), where }) };
}

function anyLine(variant: Variant): Variant {
  return { ...variant, edit: (text, random) => ({ ...variant.edit(text, random), where: 'any' }) };
}

/** Every `step`-th of the variants (all when `limit` is undefined): fewer tries for a file shaped like another. */
function spread(variants: Variant[], limit: number | undefined): Variant[] {
  return limit === undefined ? variants : variants.filter((_, index) => index % Math.ceil(variants.length / limit) === 0);
}

function fieldEdit(index: number, edit: (field: string) => string): (line: string) => string {
  return (line) => {
    const fields = line.split(',');
    fields[index] = edit(fields[index]!);
    return fields.join(',');
  };
}

/** The byte-level damage every text format gets. */
function junkVariants(): Variant[] {
  return [
    whole('empty file (0 bytes)', 'refuse', () => ''),
    whole('whitespace only', 'refuse', () => '   \n\t\n\n'),
    whole('a BOM and nothing else', 'refuse', () => BOM),
    whole('binary junk', 'refuse', () => randomBytes(4096).toString('latin1')),
    whole('gzip of the file under its plain name', 'refuse', (text) => gzipSync(Buffer.from(text, 'latin1')).toString('latin1')),
    whole('an HTML error page', 'refuse', () => HTML),
  ];
}

/** Changes the README says are read as the original. */
function sameVariants(): Variant[] {
  const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');
  const lf = (text: string) => text.replace(/\r\n/g, '\n');
  return [
    whole('a UTF-8 BOM', 'same', (text) => BOM + text),
    whole('line endings swapped (LF ↔ CRLF)', 'same', (text) => (text.includes('\r\n') ? lf(text) : crlf(text))),
    whole('CRLF and LF mixed', 'same', (text) => lf(text).split('\n').map((line, index) => (index % 2 === 0 || line === '' ? line : `${line}\r`)).join('\n')),
    whole('blank lines at the end', 'same', (text) => `${text}\n\n\n`),
    whole('no newline at the end', 'same', (text) => text.replace(/\r?\n+$/, '')),
  ];
}

// ─── Annotation CSVs ────────────────────────────────────────────────────────────────────────────────────────────

interface CsvLayout {
  path: string;
  versions: string;
  columns: { label?: number; ytid: number; start: number; end: number; split?: number; isCc?: number };
  otherSplit: string;
  /** About `limit` of the refusing edits (a file of the same shape as another gets fewer). */
  limit?: number;
  /** The read-the-same variants to run (all when undefined). */
  same?: RegExp;
}

function csvVariants(layout: CsvLayout): Variant[] {
  const { columns } = layout;
  const row = (name: string, edit: (line: string, random: () => number) => string) => onLine(name, 1, edit);
  const field = (name: string, index: number | undefined, edit: (value: string) => string) => (index === undefined ? [] : [row(name, fieldEdit(index, edit))]);
  const rowEdits: Variant[] = [
    row('extra column on a row', (line) => `${line},extra`),
    row('missing column on a row', (line) => line.slice(0, line.lastIndexOf(','))),
    // A quote may open a field that spans lines: the parser can only tell where it fails, at or after this line.
    anyLine(row('unbalanced quote opening a row', (line) => `"${line}`)),
    ...field('quote inside an unquoted field', columns.ytid, (value) => `${value.slice(0, 3)}"${value.slice(3)}`),
    ...field('youtube_id of 10 characters', columns.ytid, (value) => value.slice(0, 10)),
    ...field('youtube_id of 12 characters', columns.ytid, (value) => `${value}x`),
    ...field('youtube_id with a slash', columns.ytid, (value) => `${value.slice(0, 5)}/${value.slice(6)}`),
    ...field('empty youtube_id', columns.ytid, () => ''),
    ...field('youtube_id with a NUL byte', columns.ytid, (value) => `${value.slice(0, 5)}\0${value.slice(6)}`),
    row('time_start after time_end', fieldEdit(columns.start, () => '99999')),
    row('time_start equal to time_end', (line) => fieldEdit(columns.start, () => line.split(',')[columns.end]!)(line)),
    ...field('negative time_start', columns.start, (value) => `-${value}`),
    ...field('fractional time_end', columns.end, (value) => `${value}.5`),
    ...field('time_end in exponent notation', columns.end, () => '1e3'),
    ...field('non-numeric time_start', columns.start, () => 'ten'),
    ...field('label with bytes that are not UTF-8', columns.label, (value) => `${value.replace(/"$/, '')}\xff\xfe${value.endsWith('"') ? '"' : ''}`),
    ...field('label with a control character', columns.label, (value) => `${value.replace(/"$/, '')}\x01${value.endsWith('"') ? '"' : ''}`),
    ...field('label with a slash', columns.label, () => 'rock/climbing'),
    ...field('label that is ..', columns.label, () => '..'),
    ...field('label of 300 characters', columns.label, () => 'x'.repeat(300)),
    ...field(`split "${layout.otherSplit}" in this split's file`, columns.split, () => layout.otherSplit),
    ...field('is_cc of 2', columns.isCc, () => '2'),
    {
      name: 'the header repeated as a row',
      expect: 'refuse',
      edit(text, random) {
        const all = lines(text);
        const index = pickLine(all, 1, random);
        all[index] = all[0]!;
        return { text: all.join('\n'), where: index + 1 };
      },
    },
  ];
  const headerEdits: Variant[] = [
    { name: 'unknown header column', expect: 'refuse', edit: (text) => ({ text: text.replace(/^(\S*?)youtube_id/, '$1video_name'), where: 1 }) },
    { name: 'no header line', expect: 'refuse', edit: (text) => ({ text: text.slice(text.indexOf('\n') + 1), where: 1 }) },
    {
      name: 'file cut in the middle of its last row',
      expect: 'refuse',
      edit: (text) => {
        const all = lines(text.replace(/\r?\n+$/, ''));
        const last = all.length - 1;
        all[last] = all[last]!.slice(0, all[last]!.indexOf(',', all[last]!.indexOf(',') + 1));
        return { text: all.join('\n'), where: last + 1 };
      },
    },
    { name: 'CR-only line endings', expect: 'refuse', edit: (text) => ({ text: text.replace(/\r?\n/g, '\r'), where: 'any' }) },
  ];
  const same: Variant[] = [
    ...sameVariants(),
    {
      name: 'a row repeated',
      expect: 'same',
      edit(text, random) {
        const all = lines(text);
        const index = pickLine(all, 1, random);
        all.splice(index + 1, 0, all[index]!);
        return { text: all.join('\n') };
      },
    },
    ...(columns.label === 0 && layout.path.startsWith('400/')
      ? [row('label quoted without a space', (line) => line.replace(/^([^",]+),/, '"$1",'))].map((variant) => ({ ...variant, expect: 'same' as const }))
      : []),
  ];
  return [...spread([...rowEdits, ...headerEdits, ...junkVariants()], layout.limit), ...same.filter((variant) => !layout.same || layout.same.test(variant.name))];
}

// ─── K600 ls -R listings ────────────────────────────────────────────────────────────────────────────────────────

function lsrVariants(): Variant[] {
  const clipLine = (name: string, edit: (line: string) => string) => onClipLine(name, edit);
  const refusing: Variant[] = [
    { name: 'root line without its colon', expect: 'refuse', edit: (text) => ({ text: text.replace(/^val:/, 'val'), where: 1 }) },
    { name: 'root line of another split', expect: 'refuse', edit: (text) => ({ text: text.replace(/^val:/, 'train:'), where: 1 }) },
    clipLine('clip name that is no clip', () => 'not-a-clip.mp4'),
    clipLine('clip window reversed', (line) => line.replace(/_(\d{6})_(\d{6})\./, '_$2_$1.')),
    clipLine('clip youtube_id of 10 characters', (line) => line.slice(1)),
    clipLine('clip name with a NUL byte', (line) => `${line.slice(0, 4)}\0${line.slice(5)}`),
    onClassLine('class folder with bytes that are not UTF-8', (label) => `${label}\xff`),
    onClassLine('class folder nested (val/a/b:)', (label) => `${label}/inner`),
    onClassLine('class folder with a control character', (label) => `${label}\x07`),
    ...junkVariants(),
  ];
  const same: Variant[] = [
    ...sameVariants().filter((variant) => /BOM|swapped/.test(variant.name)),
    {
      name: 'stray whitespace-only lines',
      expect: 'same',
      edit: (text, random) => ({ text: lines(text).flatMap((line) => (random() < 0.1 ? [line, ' \t '] : [line])).join('\n') }),
    },
    { name: 'trailing spaces after clip names', expect: 'same', edit: (text) => ({ text: text.replace(/\.mp4$/gm, '.mp4  ') }) },
    {
      name: 'a clip listed twice',
      expect: 'same',
      edit: (text, random) => {
        const all = lines(text);
        const clips = all.map((line, index) => ({ line, index })).filter(({ line }) => line.endsWith('.mp4'));
        const { line, index } = clips[Math.floor(random() * clips.length)]!;
        all.splice(index + 1, 0, line);
        return { text: all.join('\n') };
      },
    },
  ];
  return [...spread(refusing, 8), ...same];
}

function onClipLine(name: string, edit: (line: string) => string): Variant {
  return {
    name,
    expect: 'refuse',
    edit(text, random) {
      const all = lines(text);
      const clips = all.map((line, index) => ({ line, index })).filter(({ line }) => line.endsWith('.mp4'));
      const { index } = clips[Math.floor(random() * clips.length)]!;
      editLine(all, index, edit);
      return { text: all.join('\n'), where: index + 1 };
    },
  };
}

function onClassLine(name: string, edit: (label: string) => string): Variant {
  return {
    name,
    expect: 'refuse',
    edit(text, random) {
      const all = lines(text);
      const blocks = all.map((line, index) => ({ line, index })).filter(({ line }) => /^val\/.+:$/.test(line));
      const { index } = blocks[Math.floor(random() * blocks.length)]!;
      editLine(all, index, (line) => `val/${edit(line.slice(4, -1))}:`);
      return { text: all.join('\n'), where: index + 1 };
    },
  };
}

// ─── Path lists ─────────────────────────────────────────────────────────────────────────────────────────────────

interface PathListLayout {
  path: string;
  versions: string;
  folder: string;
  otherSplitFolder: string;
  otherVersionFolder: string;
  /** Run every variant (else a spread of them). */
  full: boolean;
}

function pathListVariants(layout: PathListLayout): Variant[] {
  const prefix = 'https://s3.amazonaws.com/kinetics';
  const url = (name: string, edit: (url: string) => string) => onLine(name, 0, (line) => edit(line));
  const named = (line: string) => line.slice(line.lastIndexOf('/') + 1);
  const refusing: Variant[] = [
    url('.. in the URL, to /etc', () => `${prefix}/${layout.folder}/../../../etc/passwd.tar.gz`),
    url(".. to the other split's folder", (line) => `${prefix}/${layout.folder}/../${layout.otherSplitFolder.split('/')[1]}/${named(line)}`),
    url('%2e%2e segments', () => `${prefix}/${layout.folder}/%2e%2e/%2e%2e/%2E%2e/etc/shadow.tar.gz`),
    url('an encoded slash (..%2f..%2f)', () => `${prefix}/${layout.folder}/..%2f..%2fsecret.tar.gz`),
    url('an encoded NUL (%00)', (line) => line.replace(/\.tar\.gz$/, '%00.tar.gz')),
    url('a literal NUL byte', (line) => line.replace(/\.tar\.gz$/, '\0.tar.gz')),
    url('a backslash path', () => `${prefix}/${layout.folder}/..\\..\\x.tar.gz`),
    url("another split's URL", (line) => `${prefix}/${layout.otherSplitFolder}/${named(line)}`),
    url("another version's URL", (line) => `${prefix}/${layout.otherVersionFolder}/${named(line)}`),
    url('another host', (line) => line.replace('https://s3.amazonaws.com/', 'https://evil.example.com/')),
    url('a bare file name, no URL', (line) => named(line)),
    url('a .zip, not a shard', (line) => line.replace(/\.tar\.gz$/, '.zip')),
    whole('binary junk', 'refuse', () => randomBytes(4096).toString('latin1')),
    whole('an HTML error page', 'refuse', () => HTML),
    whole('empty file (0 bytes)', 'refuse', () => ''),
  ];
  const chosen = spread(refusing, layout.full ? undefined : 4);
  const same = sameVariants().filter((variant) => (layout.full ? /BOM|mixed/.test(variant.name) : /swapped/.test(variant.name)));
  const spaced: Variant = { name: 'spaces around URLs', expect: 'same', edit: (text) => ({ text: text.replace(/^(.+)$/gm, '  $1 \t') }) };
  return [...chosen, ...same, ...(layout.full ? [spaced] : [])];
}

// ─── Downstream tarballs (members edited, repacked with GNU tar) ────────────────────────────────────────────────

interface TarLayout {
  path: string;
  member: string;
  variants: Variant[];
}

function downstreamLayouts(): TarLayout[] {
  return [
    {
      path: '700_2020/annotations/countix.tar.gz',
      member: 'countix/countix_val.csv',
      variants: [
        onLine('count that is not a number', 1, fieldEdit(6, () => 'many')),
        onLine('video_id of 10 characters', 1, fieldEdit(0, (value) => value.slice(1))),
        onLine('missing column', 1, (line) => line.slice(0, line.lastIndexOf(','))),
        { name: 'unknown header column', expect: 'refuse', edit: (text) => ({ text: text.replace('video_id', 'vid'), where: 1 }) },
      ],
    },
    {
      path: '700_2020/annotations/ava_kinetics_v1_0.tar.gz',
      member: 'ava_kinetics_v1_0/kinetics_val_v1.0.csv',
      variants: [
        onLine('row of 5 columns', 0, (line) => line.split(',').slice(0, 5).join(',')),
        onLine('youtube_id with a space', 0, fieldEdit(0, (value) => `${value.slice(0, 4)} ${value.slice(5)}`)),
        onLine('timestamp that is not a number', 0, fieldEdit(1, () => 'noon')),
      ],
    },
  ];
}

// ─── The try ────────────────────────────────────────────────────────────────────────────────────────────────────

interface Target {
  path: string;
  versions: string;
  downstream: boolean;
  /** The member a tarball's variant edits (the file itself otherwise). */
  member?: string;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The ingest's stderr names `file:line: expected …` (a tarball's member as `file!/member:line`), on one line; any
 * line number for 'any', and for bytes that are no archive `file: …` without one.
 */
function expectNamedLine(t: TryContext, run: CliRun, file: string, member: string | undefined, where: Where | undefined): void {
  const name = `${escape(file)}${member ? `!/(\\./)?${escape(member)}` : ''}`;
  const exact = typeof where === 'number';
  const named = run.stderr.split('\n').find((text) => new RegExp(`${name}${exact ? `:${where}` : '(:\\d+)?'}: `).test(text));
  const failedLines = run.stderr.split('\n').filter((text) => text.startsWith('failed')).join('\n') || run.stderr;
  if (!t.check(named, `the error does not name ${file}${member ? `!/${member}` : ''}${exact ? `:${where}` : ''}: ${firstLines(failedLines, 3)}`)) return;
  if (exact) t.check(new RegExp(`${name}:${where}: expected`).test(named!), `the error does not say "…:${where}: expected …": ${named}`);
  // One line per file: every line of an ingest's report starts with a word of its own.
  const stray = run.stderr.split('\n').filter((text) => text !== '' && !/^(loaded|unchanged|failed|missing|notice|kinetics:|each failed|\d)/.test(text));
  t.check(stray.length === 0, `the error runs over several lines: ${firstLines(stray.join('\n'), 2)}`);
}

async function rewrite(t: TryContext, bucket: string, target: Target, variant: Variant): Promise<Where | undefined> {
  const file = join(bucket, target.path);
  if (!target.member) {
    const { text, where } = variant.edit(readFileSync(file).toString('latin1'), t.random);
    writeFileSync(file, Buffer.from(text, 'latin1'));
    return where;
  }
  const staging = t.path('staging');
  execFileSync('tar', ['xzf', file, '-C', staging]);
  const member = join(staging, target.member);
  const { text, where } = variant.edit(readFileSync(member).toString('latin1'), t.random);
  writeFileSync(member, Buffer.from(text, 'latin1'));
  execFileSync('tar', ['czf', file, '-C', staging, '.']);
  return where;
}

function malformedTry(target: Target, variant: Variant): Try {
  return {
    name: `malformed: ${target.member ?? target.path} — ${variant.name}${variant.expect === 'same' ? ' (read the same)' : ''}`,
    category: 'malformed',
    async run(t) {
      await useTemplate(t, 'ingested');
      const bucket = await useBucketCopy(t);
      const where = await rewrite(t, bucket, target, variant);
      // The catalog copy moves to this try's bucket (README: an ingest from another source re-points the shards);
      // its other files are unchanged copies, so the damaged one is the only file read.
      const args = ['ingest', '--source', bucket, '--versions', target.versions, ...(target.downstream ? [] : ['--no-downstream']), '--home', t.home];
      const run = await t.cli(args);
      const placeholder: [string, string][] = [[bucket, '<source>']];
      if (variant.expect === 'refuse') {
        expectExit(t, run, ...(variant.codes ?? [65]));
        expectNamedLine(t, run, join(bucket, target.path), target.member, where);
        expectSameDigest(t, rawDigest(t.db, placeholder), await ingestedRawDigest(), 'the catalog after the refused file (every table, every row)');
      } else {
        expectExit(t, run, 0);
        const after = semanticDigest(t.db, placeholder);
        const before = new Map(await cleanDirIngest());
        // The file's own sources row has its new sha256; everything read from it is the same.
        after.delete('sources');
        before.delete('sources');
        expectSameDigest(t, after, before, 'what the catalog holds after the file read the same');
      }
      expectIntegrity(t, t.db);
    },
  };
}

export function malformedTries(): Try[] {
  const csvLayouts: CsvLayout[] = [
    { path: '400/annotations/val.csv', versions: 'k400', columns: { label: 0, ytid: 1, start: 2, end: 3, split: 4, isCc: 5 }, otherSplit: 'train' },
    { path: '700_2020/annotations/val.csv', versions: 'k700-2020', columns: { label: 0, ytid: 1, start: 2, end: 3, split: 4 }, otherSplit: 'test', limit: 6, same: /BOM|swapped/ },
    { path: '600/annotations/test.csv', versions: 'k600', columns: { ytid: 0, start: 1, end: 2, split: 3 }, otherSplit: 'val', limit: 4, same: /swapped/ },
  ];
  const pathLists: PathListLayout[] = [
    { path: '400/val/k400_val_path.txt', versions: 'k400', folder: '400/val', otherSplitFolder: '400/train', otherVersionFolder: '600/val', full: true },
    { path: '600/val/k600_val_path.txt', versions: 'k600', folder: '600/val', otherSplitFolder: '600/train', otherVersionFolder: '700_2020/val', full: false },
    { path: '700_2020/val/k700_2020_val_path.txt', versions: 'k700-2020', folder: '700_2020/val', otherSplitFolder: '700_2020/test', otherVersionFolder: '400/val', full: false },
  ];
  return [
    ...csvLayouts.flatMap((layout) => csvVariants(layout).map((variant) => malformedTry({ path: layout.path, versions: layout.versions, downstream: false }, variant))),
    ...lsrVariants().map((variant) => malformedTry({ path: '600/annotations/val.txt', versions: 'k600', downstream: false }, variant)),
    ...pathLists.flatMap((layout) => pathListVariants(layout).map((variant) => malformedTry({ path: layout.path, versions: layout.versions, downstream: false }, variant))),
    ...downstreamLayouts().flatMap((layout) =>
      layout.variants.map((variant) => malformedTry({ path: layout.path, versions: 'k700-2020', downstream: true, member: layout.member }, variant)),
    ),
    ...downstreamLayouts().map((layout) =>
      malformedTry(
        { path: layout.path, versions: 'k700-2020', downstream: true },
        whole('gzip cut in half', 'refuse', (text) => text.slice(0, text.length >> 1), 'any', [65, 1]),
      ),
    ),
  ];
}
