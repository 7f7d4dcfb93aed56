/**
 * Where a catalog that has to wait for another process says so, once per wait: a writer can wait up to
 * KINETICS_BUSY_WAIT seconds, and on a terminal a silent wait looks like a hang. The CLI points it at stderr;
 * elsewhere (the TUI's screen, a library) it says nothing.
 */
let notice: (line: string) => void = () => {};

export function onCatalogWait(write: (line: string) => void): void {
  notice = write;
}

export function noticeWaiting(line: string): void {
  notice(line);
}
