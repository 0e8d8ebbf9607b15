/**
 * UTF-8 size of a string without encoding it: the size checks run on every
 * event of every request, and TextEncoder allocates the bytes just to count
 * them. An unpaired surrogate counts 3 bytes, as TextEncoder writes U+FFFD.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range, controls included.
const NON_ASCII = /[^\u0000-\u007f]/;

export function utf8Length(s: string): number {
  // ASCII text (most of it) is one byte a character: a native scan says so without the loop.
  if (!NON_ASCII.test(s)) return s.length;
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: 4 bytes for 2 code units
      i++;
    } else bytes += 2;
  }
  return bytes;
}
