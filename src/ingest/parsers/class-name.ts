import { InputError } from '../../errors.js';

/** Longer than any class of any version (the longest is 50 characters) by far: a longer one is a broken file. */
export const MAX_CLASS_NAME_LENGTH = 200;

/**
 * A class name becomes a folder and a line of every label map: UTF-8 text (a byte that is not decodes to U+FFFD and
 * would make a new class), no slash, control character, `.` or `..`, not blank, at most 200 characters.
 */
export function checkClassName(label: string, file: string, line: number): void {
  if (label.includes('\uFFFD')) {
    throw new InputError(file, line, `expected a class name in UTF-8, found bytes that are not UTF-8 (shown as \uFFFD) in "${label}"`);
  }
  if (label.trim() === '' || label === '.' || label === '..' || /[/\\\x00-\x1f]/.test(label)) {
    throw new InputError(file, line, `expected a class name (no slash or control character), found "${label}"`);
  }
  if (label.length > MAX_CLASS_NAME_LENGTH) {
    throw new InputError(file, line, `expected a class name of at most ${MAX_CLASS_NAME_LENGTH} characters, found one of ${label.length}`);
  }
}
