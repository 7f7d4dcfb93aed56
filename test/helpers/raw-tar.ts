import { gzipSync } from 'node:zlib';

export interface RawMember {
  path: string;
  type?: 'file' | 'directory' | 'symlink' | 'hardlink' | 'chardev';
  content?: Buffer;
  linkTarget?: string;
  /** The size the header claims, when it is not the content's (a directory given its stat size). */
  claimedSize?: number;
}

const TYPE_FLAGS = { file: '0', hardlink: '1', symlink: '2', chardev: '3', directory: '5' } as const;

/**
 * Writes ustar headers by hand, so a test can make the archives no honest packer would: `../` and absolute paths,
 * links and devices.
 */
export function rawTar(members: RawMember[], options: { gzip?: boolean } = { gzip: true }): Buffer {
  const blocks: Buffer[] = [];
  for (const member of members) {
    const type = member.type ?? 'file';
    const content = member.content ?? Buffer.alloc(0);
    const header = Buffer.alloc(512);
    header.write(member.path.slice(0, 100), 0, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${(member.claimedSize ?? content.length).toString(8).padStart(11, '0')}\0`, 124);
    header.write(`${Math.floor(Date.UTC(2020, 0, 1) / 1000).toString(8).padStart(11, '0')}\0`, 136);
    header.write('        ', 148);
    header.write(TYPE_FLAGS[type], 156);
    if (member.linkTarget) header.write(member.linkTarget, 157);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  return options.gzip === false ? tar : gzipSync(tar);
}
