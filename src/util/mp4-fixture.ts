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
