/**
 * DBF text encodings met in Vietnamese shapefiles: UTF-8 (honoured from .cpg), Windows-1258 (CP1258, tone
 * marks as combining characters) and TCVN3 (the "ABC" font encoding, TCVN 5712:1993 VN3). Without a .cpg
 * the encoding is detected by decoding a sample every way and keeping the one that yields plain Vietnamese.
 */
import iconv from 'iconv-lite';

/** TCVN3 (VN3) bytes 0xA1–0xFE → Unicode; other bytes are ASCII/Latin-1. Uppercase toned letters do not exist in VN3. */
const TCVN3_HIGH: Record<number, string> = {
  0xa1: 'Ă', 0xa2: 'Â', 0xa3: 'Ê', 0xa4: 'Ô', 0xa5: 'Ơ', 0xa6: 'Ư', 0xa7: 'Đ',
  0xa8: 'ă', 0xa9: 'â', 0xaa: 'ê', 0xab: 'ô', 0xac: 'ơ', 0xad: 'ư', 0xae: 'đ',
  0xb5: 'à', 0xb6: 'ả', 0xb7: 'ã', 0xb8: 'á', 0xb9: 'ạ',
  0xbb: 'ằ', 0xbc: 'ẳ', 0xbd: 'ẵ', 0xbe: 'ắ', 0xc6: 'ặ',
  0xc7: 'ầ', 0xc8: 'ẩ', 0xc9: 'ẫ', 0xca: 'ấ', 0xcb: 'ậ',
  0xcc: 'è', 0xce: 'ẻ', 0xcf: 'ẽ', 0xd0: 'é', 0xd1: 'ẹ',
  0xd2: 'ề', 0xd3: 'ể', 0xd4: 'ễ', 0xd5: 'ế', 0xd6: 'ệ',
  0xd7: 'ì', 0xd8: 'ỉ', 0xdc: 'ĩ', 0xdd: 'í', 0xde: 'ị',
  0xdf: 'ò', 0xe1: 'ỏ', 0xe2: 'õ', 0xe3: 'ó', 0xe4: 'ọ',
  0xe5: 'ồ', 0xe6: 'ổ', 0xe7: 'ỗ', 0xe8: 'ố', 0xe9: 'ộ',
  0xea: 'ờ', 0xeb: 'ở', 0xec: 'ỡ', 0xed: 'ớ', 0xee: 'ợ',
  0xef: 'ù', 0xf1: 'ủ', 0xf2: 'ũ', 0xf3: 'ú', 0xf4: 'ụ',
  0xf5: 'ừ', 0xf6: 'ử', 0xf7: 'ữ', 0xf8: 'ứ', 0xf9: 'ự',
  0xfa: 'ỳ', 0xfb: 'ỷ', 0xfc: 'ỹ', 0xfd: 'ý', 0xfe: 'ỵ',
};

export function decodeTcvn3(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : (TCVN3_HIGH[b] ?? String.fromCharCode(b));
  return out;
}

export function encodeTcvn3(text: string): Buffer {
  const reverse = new Map(Object.entries(TCVN3_HIGH).map(([k, v]) => [v, Number(k)]));
  const bytes: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const code = ch.charCodeAt(0);
    if (code < 0x80) bytes.push(code);
    else bytes.push(reverse.get(ch) ?? 0x3f);
  }
  return Buffer.from(bytes);
}

export type TextEncodingName = 'utf-8' | 'windows-1258' | 'tcvn3' | 'latin1';

export function decodeText(bytes: Uint8Array, encoding: TextEncodingName): string {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(bytes).toString('utf8').normalize('NFC');
    case 'windows-1258':
      // CP1258 writes tones as combining marks after the letter: compose them
      return iconv.decode(Buffer.from(bytes), 'windows-1258').normalize('NFC');
    case 'tcvn3':
      return decodeTcvn3(bytes);
    default:
      return Buffer.from(bytes).toString('latin1');
  }
}

/** Maps a .cpg text to our names (null when not understood). */
export function encodingFromCpg(cpg: string): TextEncodingName | null {
  const v = cpg.trim().toLowerCase().replace(/[\s_]/g, '-');
  if (/^(utf-?8|65001)$/.test(v)) return 'utf-8';
  if (/^(cp-?|windows-?|ansi-?)?1258$/.test(v)) return 'windows-1258';
  if (/tcvn|vn3|abc/.test(v)) return 'tcvn3';
  if (/^(iso-?8859-?1|latin-?1|cp-?1252|windows-?1252|ansi-?1252)$/.test(v)) return 'latin1';
  return null;
}

const VIET_LETTERS = /[a-zA-ZàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ]/u;
const PLAIN = /[\s0-9.,;:()\-/'"&%+_#]/u;

/** How many characters of a decoded sample are not plausible Vietnamese text (leftover combining marks, symbols). */
function oddness(text: string): number {
  let odd = 0;
  for (const ch of text) {
    if (VIET_LETTERS.test(ch) || PLAIN.test(ch)) continue;
    odd += 1;
  }
  return odd;
}

/** Picks the encoding of a sample of DBF text bytes: valid UTF-8 wins, else whichever of CP1258/TCVN3 reads more plausibly. */
export function detectEncoding(sample: Uint8Array): TextEncodingName {
  if (sample.every((b) => b < 0x80)) return 'utf-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
    return 'utf-8';
  } catch {
    /* not UTF-8 */
  }
  const cp = oddness(decodeText(sample, 'windows-1258'));
  const tc = oddness(decodeText(sample, 'tcvn3'));
  return tc < cp ? 'tcvn3' : 'windows-1258';
}
