import { execFileSync } from 'node:child_process';

/** Makes a real clip with ffmpeg (.ci/run installs it): the encoders users' copies come from. */
export function encode(path: string, args: string[]): void {
  try {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, path]);
  } catch (error) {
    throw new Error(`ffmpeg is needed to make real clips (apt-get install ffmpeg; .ci/run installs it): ${(error as Error).message}`);
  }
}

/** Ten seconds of H.264 test pattern at 25 frames a second, with a sound track unless told otherwise. */
export function encodeTestClip(path: string, options: { seconds?: number; sound?: boolean; size?: string; extra?: string[] } = {}): void {
  const seconds = String(options.seconds ?? 10);
  const sound = options.sound ?? true;
  encode(path, [
    '-f', 'lavfi', '-i', `testsrc=size=${options.size ?? '160x120'}:rate=25`,
    ...(sound ? ['-f', 'lavfi', '-i', 'sine=frequency=440'] : []),
    '-t', seconds, '-c:v', 'libx264', '-pix_fmt', 'yuv420p',
    ...(sound ? ['-c:a', 'aac', '-shortest'] : []),
    ...(options.extra ?? []),
  ]);
}
