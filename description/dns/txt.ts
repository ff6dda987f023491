/**
 * TXT values in zone-file presentation: text split into character-strings of
 * at most 255 bytes (never inside a UTF-8 character), or explicit quoted
 * strings (zone-file escapes allowed), each quoted and escaped; at most
 * 2048 bytes in all.
 */
import { splitUtf8 } from "../../primitives/txt";
import { TXT_CHUNK_BYTES, TXT_MAX_BYTES } from "./types";

/** Quotes one TXT character-string for zone files: `"` and `\` escaped, non-printable bytes as \DDD. */
export function quoteChunk(bytes: Buffer): string {
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, "0")}`;
  }
  return `${out}"`;
}

/** Splits text into chunks of at most 255 bytes without cutting a UTF-8 character (as the DnsZone construct does). */
function splitChunks(text: string): Buffer[] {
  return splitUtf8(text, TXT_CHUNK_BYTES).map((piece) => Buffer.from(piece, "utf8"));
}

/** Parses explicit `"a" "b"` strings (zone-file escapes allowed); undefined when malformed. */
function parseQuotedChunks(value: string): Buffer[] | undefined {
  const chunks: Buffer[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && /\s/.test(value[i]!)) i++;
    if (i >= value.length) break;
    if (value[i] !== '"') return undefined;
    const chunk = parseQuotedChunk(value, i + 1);
    if (!chunk) return undefined;
    chunks.push(chunk.bytes);
    i = chunk.end;
  }
  return chunks.length > 0 ? chunks : undefined;
}

/** One quoted string from just after its opening quote; its bytes and where it ends, undefined when unclosed. */
function parseQuotedChunk(value: string, start: number): { bytes: Buffer; end: number } | undefined {
  const bytes: number[] = [];
  let i = start;
  while (i < value.length) {
    const c = value[i];
    if (c === '"') return { bytes: Buffer.from(bytes), end: i + 1 };
    if (c === "\\") {
      const digits = value.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(digits) && Number(digits) <= 255) {
        bytes.push(Number(digits));
        i += 4;
      } else if (i + 1 < value.length) {
        bytes.push(...Buffer.from(value[i + 1]!, "utf8"));
        i += 2;
      } else {
        return undefined;
      }
      continue;
    }
    const cp = value.codePointAt(i)!;
    const char = String.fromCodePoint(cp);
    bytes.push(...Buffer.from(char, "utf8"));
    i += char.length;
  }
  return undefined;
}

/** A TXT value as zone-file presentation (`"a" "b"`), or why it cannot be one. */
export function txtPresentation(
  raw: string,
): { ok: true; text: string } | { ok: false; message: string; hint?: string } {
  let chunks: Buffer[];
  if (raw.trimStart().startsWith('"')) {
    const parsed = parseQuotedChunks(raw.trim());
    if (!parsed) {
      return {
        ok: false,
        message: "TXT value starts with a quote but is not a list of quoted strings",
        hint: 'write "a" "b", or drop the quotes to have it split for you',
      };
    }
    const long = parsed.find((chunk) => chunk.length > TXT_CHUNK_BYTES);
    if (long) {
      return {
        ok: false,
        message: `a quoted TXT string is ${long.length} bytes (at most ${TXT_CHUNK_BYTES})`,
        hint: "split it into several quoted strings, or drop the quotes to have it split for you",
      };
    }
    chunks = parsed;
  } else {
    chunks = splitChunks(raw);
  }
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  if (total > TXT_MAX_BYTES) {
    return {
      ok: false,
      message: `TXT value is ${total} bytes (at most ${TXT_MAX_BYTES})`,
      hint: "large answers need TCP or fragment; publish a shorter value (e.g. an ed25519 DKIM key)",
    };
  }
  return { ok: true, text: chunks.map(quoteChunk).join(" ") };
}
