/**
 * Runs `load` with `globalThis.fetch` hidden. yoga-layout, Ink's layout engine, loads its WebAssembly with fetch() on
 * a data: URL whenever fetch exists, which makes Node load its own HTTP stack: ~60 ms of the TUI's first frame.
 * Without fetch, yoga decodes the same bytes itself. Node defines fetch as a lazy getter, restored untouched here.
 */
export async function withoutGlobalFetch<T>(load: () => Promise<T>): Promise<T> {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  delete (globalThis as { fetch?: unknown }).fetch;
  try {
    return await load();
  } finally {
    if (descriptor) Object.defineProperty(globalThis, 'fetch', descriptor);
  }
}
