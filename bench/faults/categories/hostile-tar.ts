/**
 * Hostile shards: the skateboarding shard of the subset `kv` replaced by archives no honest packer makes — `../`
 * and absolute paths (plain, through a pax header, through a GNU long name), symbolic and hard links, devices and
 * FIFOs, members the archive holds twice with one copy damaged, directories whose header gives a size, gzip junk,
 * a header claiming 600 MiB, truncated archives, bytes that are no archive at all — read from a directory bucket
 * and, for some, over HTTP.
 *
 * README: links, devices, absolute paths and `..` are refused and reported; a member claiming more than 512 MiB is
 * refused; a shard that breaks midway keeps the clips written whole before the break, nothing after it and no
 * `*.extracting`; bytes that are no archive are never kept in a `.part`; a member held twice keeps its best copy;
 * a directory header with a size has no body; a plain tar under a .tar.gz name works; `._*` junk is skipped.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { minimalMp4 } from '../../../src/util/mp4-fixture.js';
import { type RawMember, rawTar } from '../../../test/helpers/raw-tar.js';
import { type FetchHome, clipsNotOk, clipsOf, dirFetchHome, httpFetchHome, k700ValShard, shardBytesResolver, shardRow, useBucketCopy } from '../fixtures.js';
import { type Try, type TryContext, expectExit, expectIntegrity, expectNoJunk, expectOnlyPlainFiles, firstLines, hashString, listTree, queryRows, queryValue, sha256File } from '../lib.js';

// ─── Writing tar archives member by member ──────────────────────────────────────────────────────────────────────

/** A raw member, or one whose type flag raw-tar.ts does not know (`6` FIFO, `4` block device, `x` pax, `L` GNU long name). */
type Member = RawMember & { flag?: string };

const END_OF_ARCHIVE = 1024;

/** One member's header and body, its type flag patched and its checksum made again where asked. */
function memberBlocks(member: Member): Buffer {
  const blocks = rawTar([member], { gzip: false });
  const header = blocks.subarray(0, blocks.length - END_OF_ARCHIVE);
  if (member.flag !== undefined) {
    header.write(member.flag, 156, 'latin1');
    header.write('        ', 148);
    let sum = 0;
    for (const byte of header.subarray(0, 512)) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  }
  return Buffer.from(header);
}

function plainTar(members: Member[]): Buffer {
  return Buffer.concat([...members.map(memberBlocks), Buffer.alloc(END_OF_ARCHIVE)]);
}

function tarGz(members: Member[]): Buffer {
  return gzipSync(plainTar(members));
}

/** A pax extended header setting `path` for the member after it. */
function paxPath(path: string): Member {
  const body = (length: number) => `${length} path=${path}\n`;
  let length = body(0).length;
  while (body(length).length !== length) length = body(length).length;
  return { path: 'PaxHeaders/x', content: Buffer.from(body(length)), flag: 'x' };
}

/** A GNU long-name member giving the next member's path. */
function gnuLongName(path: string): Member {
  return { path: '././@LongLink', content: Buffer.from(`${path}\0`), flag: 'L' };
}

// ─── The cases ──────────────────────────────────────────────────────────────────────────────────────────────────

interface Shard {
  /** The wanted clips of the shard, in order. */
  keys: string[];
  good(key: string): Buffer;
  /** Good members for every wanted clip, as the real shard lays them out. */
  members(keys?: string[]): Member[];
  /** An absolute folder outside the try that no member may create. */
  escape: string;
  /** A file outside home a hard link could point at. */
  secret: string;
}

interface HostileCase {
  name: string;
  shard(s: Shard): Buffer;
  /** Exit codes README allows: 0 when every wanted clip can be written, 1 when some cannot. */
  codes: number[];
  /** The member README says is refused and reported (a substring of the `refused` line). */
  refused?: (s: Shard) => string;
  /** Every clip of the subset ends up ok. */
  allOk?: boolean;
  /** A clip the shard only has damaged: reported `damaged at source`, not a failure. */
  damaged?: boolean;
  /** The first wanted clip must stay missing (its only copy was refused). */
  firstMissing?: boolean;
  /** The archive breaks: README's "a shard that breaks midway" is reported, its state `failed`. */
  broken?: boolean;
}

const first = (s: Shard) => s.keys[0]!;
const clipPath = (key: string) => `skateboarding/${key}.mp4`;
const truncated = (bytes: Buffer, share: number) => bytes.subarray(0, Math.floor(bytes.length * share));
const clipStatus = (db: string, key: string) => queryValue<string>(db, "SELECT status FROM clips WHERE version = 'k700-2020' AND split = 'val' AND clip_key = ?", key);

function hostileCases(): HostileCase[] {
  const refusedWithGoodCopy = (name: string, hostile: (s: Shard) => Member[], refused: (s: Shard) => string): HostileCase[] => [
    { name: `${name}, with a good copy too`, shard: (s) => tarGz([...hostile(s), ...s.members()]), codes: [0], refused, allOk: true },
    // README: exit 0 when every clip some shard holds usable is on disk; a clip only a refused member holds is in no shard.
    { name: `${name}, the only copy`, shard: (s) => tarGz([...hostile(s), ...s.members(s.keys.slice(1))]), codes: [0, 1], refused, firstMissing: true },
  ];
  return [
    ...refusedWithGoodCopy('a ../ member', (s) => [{ path: `skateboarding/../../../../../escape/${first(s)}.mp4`, content: s.good(first(s)) }], () => '../'),
    ...refusedWithGoodCopy('an absolute member', (s) => [{ path: `${s.escape}/${first(s)}.mp4`, content: s.good(first(s)) }], (s) => s.escape),
    ...refusedWithGoodCopy('a symbolic link to /etc/passwd', (s) => [{ path: clipPath(first(s)), type: 'symlink', linkTarget: '/etc/passwd' }], (s) => first(s)),
    ...refusedWithGoodCopy('a hard link to a file outside', (s) => [{ path: clipPath(first(s)), type: 'hardlink', linkTarget: s.secret }], (s) => first(s)),
    {
      name: 'a hard link to ../../ outside',
      shard: (s) => tarGz([{ path: clipPath(first(s)), type: 'hardlink', linkTarget: '../../../../../outside/secret.txt' }, ...s.members(s.keys.slice(1))]),
      codes: [0, 1], firstMissing: true,
      refused: (s) => first(s),
    },
    ...refusedWithGoodCopy('a character device', (s) => [{ path: clipPath(first(s)), type: 'chardev' }], (s) => first(s)),
    { name: 'a block device', shard: (s) => tarGz([{ path: clipPath(first(s)), flag: '4' }, ...s.members()]), codes: [0], refused: (s) => first(s), allOk: true },
    { name: 'a FIFO', shard: (s) => tarGz([{ path: clipPath(first(s)), flag: '6' }, ...s.members(s.keys.slice(1))]), codes: [0, 1], firstMissing: true, refused: (s) => first(s) },
    {
      name: 'a pax header whose path is ../',
      shard: (s) => tarGz([paxPath(`../../../../escape/${first(s)}.mp4`), { path: clipPath(first(s)), content: s.good(first(s)) }, ...s.members(s.keys.slice(1))]),
      codes: [0, 1], firstMissing: true,
      refused: () => '../',
    },
    {
      name: 'a pax header whose path is absolute',
      shard: (s) => tarGz([paxPath(`${s.escape}/${first(s)}.mp4`), { path: clipPath(first(s)), content: s.good(first(s)) }, ...s.members()]),
      codes: [0],
      refused: (s) => s.escape,
      allOk: true,
    },
    {
      name: 'a GNU long name with ../',
      shard: (s) => tarGz([gnuLongName(`${'x/'.repeat(60)}../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../escape/${first(s)}.mp4`), { path: 'placeholder', content: s.good(first(s)) }, ...s.members(s.keys.slice(1))]),
      codes: [0, 1], firstMissing: true,
      refused: () => '../',
    },
    { name: 'a member twice, damaged copy first', shard: (s) => tarGz([{ path: clipPath(first(s)), content: truncated(s.good(first(s)), 0.5) }, ...s.members()]), codes: [0], allOk: true },
    { name: 'a member twice, damaged copy last', shard: (s) => tarGz([...s.members(), { path: clipPath(first(s)), content: truncated(s.good(first(s)), 0.5) }]), codes: [0], allOk: true },
    { name: 'a member twice, empty copy last', shard: (s) => tarGz([...s.members(), { path: `other/${first(s)}.mp4`, content: Buffer.alloc(0) }]), codes: [0], allOk: true },
    {
      name: 'a member twice, both damaged',
      shard: (s) => tarGz([{ path: clipPath(first(s)), content: Buffer.alloc(0) }, { path: clipPath(first(s)), content: truncated(s.good(first(s)), 0.4) }, ...s.members(s.keys.slice(1))]),
      codes: [0],
      damaged: true,
    },
    {
      name: 'a directory header with a size',
      shard: (s) => tarGz([{ path: 'skateboarding/', type: 'directory', claimedSize: 4096 }, ...s.members()]),
      codes: [0],
      allOk: true,
    },
    { name: 'a plain tar under the .tar.gz name', shard: (s) => plainTar(s.members()), codes: [0], allOk: true },
    { name: 'members seven folders deep', shard: (s) => tarGz(s.members().map((member) => ({ ...member, path: `a/b/c/d/e/f/g/${member.path.split('/').at(-1)}` }))), codes: [0], allOk: true },
    {
      name: '._ AppleDouble junk named like a clip',
      shard: (s) => tarGz([{ path: `skateboarding/._${first(s)}.mp4`, content: randomBytes(300) }, ...s.members()]),
      codes: [0],
      allOk: true,
    },
    {
      name: 'a header claiming 600 MiB, last',
      shard: (s) => tarGz([...s.members(), { path: `skateboarding/zzzzzzzzzzz_000000_000010.mp4`, content: randomBytes(2048), claimedSize: 600 << 20 }]),
      codes: [0, 1],
      refused: () => 'zzzzzzzzzzz_000000_000010',
    },
    {
      name: 'a header claiming 600 MiB for a wanted clip, first',
      shard: (s) => tarGz([{ path: clipPath(first(s)), content: randomBytes(2048), claimedSize: 600 << 20 }, ...s.members()]),
      codes: [0, 1], firstMissing: true,
      refused: (s) => first(s),
    },
    { name: 'gzip junk after the archive', shard: (s) => Buffer.concat([tarGz(s.members()), randomBytes(3000)]), codes: [0, 1] },
    { name: 'a second gzip member of junk', shard: (s) => Buffer.concat([tarGz(s.members()), gzipSync(randomBytes(3000))]), codes: [0, 1] },
    ...[0.3, 0.6, 0.95].map((share) => ({ name: `tar.gz cut at ${share * 100} %`, shard: (s: Shard) => truncated(tarGz(s.members()), share), codes: [1], broken: true })),
    { name: 'plain tar cut mid-member', shard: (s) => truncated(plainTar(s.members()), 0.5), codes: [1], broken: true },
    { name: 'plain tar cut mid-header', shard: (s) => plainTar(s.members()).subarray(0, memberBlocks(s.members()[0]!).length * 3 + 100), codes: [1], broken: true },
    {
      name: 'a header with a bad checksum midway',
      shard: (s) => {
        const members = s.members();
        const tar = plainTar(members);
        const middle = members.slice(0, members.length >> 1).reduce((offset, member) => offset + memberBlocks(member).length, 0);
        tar[middle + 148] = 0x37;
        return gzipSync(tar);
      },
      codes: [1], broken: true,
    },
    { name: 'an HTML error page for the shard', shard: () => Buffer.from('<html><body>403 Forbidden</body></html>\n'), codes: [1], broken: true },
    { name: 'an empty file for the shard', shard: () => Buffer.alloc(0), codes: [1], broken: true },
    { name: 'random bytes for the shard', shard: () => randomBytes(50_000), codes: [1], broken: true },
    { name: 'gzip of random bytes for the shard', shard: () => gzipSync(randomBytes(50_000)), codes: [1], broken: true },
  ];
}

/** The cases also served over HTTP: what a download does with a part file when the archive is hostile. */
const OVER_HTTP = ['a symbolic link to /etc/passwd, the only copy', 'tar.gz cut at 60 %', 'plain tar cut mid-member', 'gzip of random bytes for the shard', 'a member twice, damaged copy first', 'a ../ member, with a good copy too'];

// ─── The try ────────────────────────────────────────────────────────────────────────────────────────────────────

async function shardContext(t: TryContext): Promise<Shard> {
  const keys = (await clipsOf('k700-2020', 'val', 'skateboarding')).map((clip) => clip.clip_key);
  const good = (key: string) => minimalMp4(10, 200 + (hashString(key) % 300));
  const outside = t.path('outside');
  const secret = join(outside, 'secret.txt');
  writeFileSync(secret, 'not for the catalog\n');
  return {
    keys,
    good,
    members: (only = keys) => only.map((key) => ({ path: clipPath(key), content: good(key) })),
    escape: `/tmp/kinetics-faults-escape-${hashString(t.root).toString(16)}`,
    secret,
  };
}

function hostileTry(hostile: HostileCase, over: 'dir' | 'http'): Try {
  return {
    name: `hostile tar (${over === 'dir' ? 'directory bucket' : 'HTTP'}): ${hostile.name}`,
    category: 'hostile-tar',
    async run(t) {
      const s = await shardContext(t);
      const bucket = await useBucketCopy(t);
      const shardPath = await k700ValShard('skateboarding');
      writeFileSync(join(bucket, shardPath), hostile.shard(s));
      const home: FetchHome = over === 'http' ? await httpFetchHome(t, bucket) : await dirFetchHome(t, bucket);
      const passwd = sha256File('/etc/passwd');
      t.env.KINETICS_HTTP_TIMEOUT = '5';

      const run = await t.cli(['fetch', 'kv', '--home', t.home]);
      expectExit(t, run, ...hostile.codes);
      if (hostile.refused) {
        const named = hostile.refused(s);
        t.check(run.stderr.split('\n').some((line) => line.startsWith('refused') && line.includes(named)), `the hostile member (${named}) is not reported as refused: ${firstLines(run.stderr, 4)}`);
      }
      if (hostile.allOk) t.check(clipsNotOk(t.db, 'kv') === 0, 'a wanted clip is not ok although the shard holds a good copy of each');
      if (hostile.firstMissing) t.check(clipStatus(t.db, first(s)) === 'missing', `the clip whose only copy was refused is ${clipStatus(t.db, first(s))}, not missing`);
      if (hostile.broken) t.check(shardRow(t.db, shardPath)?.state === 'failed', `the broken shard is \`${shardRow(t.db, shardPath)?.state}\`, not failed: ${firstLines(run.stderr, 3)}`);
      if (hostile.damaged) t.check(/damaged at source/.test(run.stderr), `the clip the shard holds only damaged is not reported "damaged at source": ${firstLines(run.stderr, 4)}`);

      // Nothing escaped, nothing special was made, nothing half-written stayed.
      t.check(!existsSync(s.escape), `an absolute member was written: ${s.escape}`);
      t.check(sha256File('/etc/passwd') === passwd, '/etc/passwd changed');
      const secret = listTree(join(t.root, 'outside'));
      t.check(secret.length === 1 && secret[0]!.nlink === 1, `a file outside home was linked or touched: ${JSON.stringify(secret)}`);
      expectOnlyPlainFiles(t, t.home);
      expectNoJunk(t, t.home, shardBytesResolver(home.bucket), { partsAllowed: true });
      expectWrittenWhole(t, s);
      expectIntegrity(t, t.db);
    },
  };
}

/** Every clip file fetch wrote from the hostile shard is a whole, good copy, recorded as `ok`; damaged ones are recorded so. */
function expectWrittenWhole(t: TryContext, s: Shard): void {
  const folder = join(t.home, 'videos', 'k700-2020', 'val', 'skateboarding');
  const recorded = new Map(queryRows<{ path: string; status: string }>(t.db, "SELECT path, status FROM files WHERE status <> 'gone'").map((row) => [row.path, row.status]));
  for (const entry of listTree(folder)) {
    const path = join(folder, entry.path);
    const key = entry.path.replace(/\.mp4$/, '');
    const status = recorded.get(path);
    if (!t.check(status !== undefined, `a file fetch wrote is not in the catalog: ${path}`)) continue;
    if (status === 'ok') t.check(readFileSync(path).equals(s.good(key)), `${path} is recorded ok but is not the member's bytes`);
  }
}

export function hostileTarTries(): Try[] {
  const cases = hostileCases();
  return [...cases.map((hostile) => hostileTry(hostile, 'dir')), ...cases.filter((hostile) => OVER_HTTP.includes(hostile.name)).map((hostile) => hostileTry(hostile, 'http'))];
}
