/**
 * The smallest well-formed MP4 a checker accepts: ftyp, moov with an mvhd of the given duration and a video track
 * (a trak whose mdia's hdlr is `vide`; `audioOnly` makes it `soun`), and an mdat. Used by tests, benchmarks and the
 * sample bucket's shards (it is not a playable video).
 */
export function minimalMp4(durationSeconds: number, payload: number | Buffer = 64, options: { audioOnly?: boolean } = {}): Buffer {
  const box = (type: string, ...parts: Buffer[]) => {
    const body = Buffer.concat(parts);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + body.length, 0);
    header.write(type, 4, 'latin1');
    return Buffer.concat([header, body]);
  };
  const ftyp = box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2mp41', 'latin1'));
  const timescale = 1000;
  const mvhdBody = Buffer.alloc(100);
  mvhdBody.writeUInt32BE(0, 0); // version 0, flags
  mvhdBody.writeUInt32BE(timescale, 12);
  mvhdBody.writeUInt32BE(Math.round(durationSeconds * timescale), 16);
  mvhdBody.writeUInt32BE(0x00010000, 20); // rate 1.0
  const hdlrBody = Buffer.alloc(25); // version, flags, pre_defined, handler_type, 3 reserved words, an empty name
  hdlrBody.write(options.audioOnly ? 'soun' : 'vide', 8, 'latin1');
  const moov = box('moov', box('mvhd', mvhdBody), box('trak', box('mdia', box('hdlr', hdlrBody))));
  const mdat = box('mdat', typeof payload === 'number' ? Buffer.alloc(payload, 0x5a) : payload);
  return Buffer.concat([ftyp, moov, mdat]);
}

/**
 * The smallest WebM a checker reads: an EBML header, and a Segment (of known size) with an Info of the given
 * duration, Tracks with one VP9 video track of 160×120 at 25 frames a second (and an Opus one unless `silent`), and
 * an empty Cluster. Not playable. `voidBeforeSegment` puts a Void element between the EBML header and the Segment;
 * `padTracks` puts a Void of that many bytes in the Tracks before its TrackEntries.
 */
export function minimalWebm(durationSeconds: number, options: { silent?: boolean; voidBeforeSegment?: boolean; padTracks?: number } = {}): Buffer {
  const element = (id: number, ...parts: Buffer[]) => {
    const body = Buffer.concat(parts);
    const idBytes = Buffer.from(id.toString(16).padStart(id > 0xffffff ? 8 : id > 0xffff ? 6 : id > 0xff ? 4 : 2, '0'), 'hex');
    const size = Buffer.alloc(8);
    size.writeBigUInt64BE(BigInt(body.length) | 0x01n << 56n);
    return Buffer.concat([idBytes, size, body]);
  };
  const uint = (value: number) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value);
    return bytes;
  };
  const double = (value: number) => {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return bytes;
  };
  const header = element(0x1a45dfa3, element(0x4282, Buffer.from('webm')));
  const info = element(0x1549a966, element(0x2ad7b1, uint(1_000_000)), element(0x4489, double(durationSeconds * 1000)));
  const video = element(0xae, element(0x83, uint(1)), element(0x86, Buffer.from('V_VP9')), element(0x23e383, uint(40_000_000)),
    element(0xe0, element(0xb0, uint(160)), element(0xba, uint(120))));
  const audio = element(0xae, element(0x83, uint(2)), element(0x86, Buffer.from('A_OPUS')));
  const padding = options.padTracks ? [element(0xec, Buffer.alloc(options.padTracks))] : [];
  const tracks = element(0x1654ae6b, ...padding, video, ...(options.silent ? [] : [audio]));
  return Buffer.concat([header, ...(options.voidBeforeSegment ? [element(0xec, Buffer.alloc(3))] : []), element(0x18538067, info, tracks, element(0x1f43b675))]);
}
