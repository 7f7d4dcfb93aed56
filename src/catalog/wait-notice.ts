/**
 * Where a catalog that has to wait for another process says so, once per wait: a writer can wait up to
 * KINETICS_BUSY_WAIT seconds, and on a terminal a silent wait looks like a hang. The CLI points it at stderr;
 * elsewhere (the TUI's job process, a library) it says nothing.
 */
let notice: (line: string) => void = () => {};
let lastLine: string | undefined;

export function onCatalogWait(write: (line: string) => void): void {
  notice = write;
  lastLine = undefined;
}

/** Says `line`, unless it was the last said: a writer that waits again for the same load says it once. */
export function noticeWaiting(line: string): void {
  if (line === lastLine) return;
  lastLine = line;
  notice(line);
}
