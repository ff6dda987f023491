/**
 * TXT record text: the 255-byte limit of one character-string (RFC 1035
 * 3.3), and the split of a longer text into such strings on UTF-8 character
 * boundaries. Pure, no dependencies: the description's checks (description/dns/)
 * and the DnsZone construct use the same split.
 */

/** The most bytes one TXT character-string holds. */
export const TXT_STRING_BYTES = 255;

/** Splits text into pieces of at most `maxBytes` UTF-8 bytes, never inside a character; "" gives [""]. */
export function splitUtf8(text: string, maxBytes = TXT_STRING_BYTES): string[] {
  const pieces: string[] = [];
  let current = "";
  let size = 0;
  for (const char of text) {
    const bytes = Buffer.byteLength(char, "utf8");
    if (size + bytes > maxBytes) {
      pieces.push(current);
      current = "";
      size = 0;
    }
    current += char;
    size += bytes;
  }
  pieces.push(current);
  return pieces;
}
