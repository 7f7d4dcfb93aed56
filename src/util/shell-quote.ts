/** POSIX single quotes: the word exactly as given, for sh, bash and go-shellquote (which `s5cmd run` uses). */
export function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
