/**
 * Where the catalog says, once, what the user would otherwise not know while another process loads it for the first
 * time: that a writer waits (up to KINETICS_BUSY_WAIT seconds; on a terminal a silent wait looks like a hang), or
 * that a reader's answers cover only what is loaded so far; and that a catalog an older build made is being
 * upgraded. The CLI points it at stderr; elsewhere (the TUI's job process, a library) it says nothing.
 */
let notice: (line: string) => void = () => {};
let lastLine: string | undefined;

export function onCatalogNotice(write: (line: string) => void): void {
  notice = write;
  lastLine = undefined;
}

/** Says `line`, unless it was the last said: a writer that waits again for the same load says so once. */
export function catalogNotice(line: string): void {
  if (line === lastLine) return;
  lastLine = line;
  notice(line);
}
