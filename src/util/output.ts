/** A stream text is written to: the process's stdout or stderr, or a test's buffer. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}
