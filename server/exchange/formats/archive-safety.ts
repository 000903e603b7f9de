/**
 * Checks on uploaded archives and XML made before anything is inflated or parsed: a zip bomb, a member
 * path that climbs out of the extraction folder, or an XML entity is refused outright, never "handled".
 */
import { Transform } from 'node:stream';
import type JSZip from 'jszip';
import { hasControlCharacters, IMPORT_LIMITS } from '../../domain/limits.ts';
import { FileFormatError } from './errors.ts';

/** Refusals of this module: codes 'xml-doctype', 'unsafe-zip-member', 'zip-bomb', 'too-many-members'. */
export class UnsafeFileError extends FileFormatError {}

/** KML/XML may not declare a DOCTYPE or entities (XXE, parameter entities, billion laughs). */
export function assertSafeXml(text: string): void {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new UnsafeFileError('XML with a DOCTYPE or entity declarations is refused (KML needs neither)', 'xml-doctype');
  }
}

/** A member name shown in messages: control characters removed, cut to the name limit. */
export function sanitisedMemberName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001F\u007F]/g, '').slice(0, IMPORT_LIMITS.maxMemberNameChars);
}

interface MemberSizes {
  _data?: { uncompressedSize?: number; compressedSize?: number };
}

/** Refuses unsafe names and members whose declared size or compression ratio is over the limits. */
export function assertSafeZip(zip: JSZip): void {
  const entries = Object.values(zip.files);
  if (entries.length > IMPORT_LIMITS.maxZipMembers) {
    throw new UnsafeFileError(`The archive holds ${entries.length} members; at most ${IMPORT_LIMITS.maxZipMembers} are accepted`, 'too-many-members');
  }
  for (const entry of entries) {
    const name = entry.name;
    const shown = sanitisedMemberName(name);
    if (name.length > IMPORT_LIMITS.maxMemberNameChars) throw new UnsafeFileError(`A member name is longer than ${IMPORT_LIMITS.maxMemberNameChars} characters`, 'unsafe-zip-member');
    if (hasControlCharacters(name) || name.startsWith('/') || name.startsWith('\\') || /^[a-z]:/i.test(name) || name.split(/[\\/]/).includes('..')) {
      throw new UnsafeFileError(`Unsafe member path "${shown}" (absolute, "..", or control characters)`, 'unsafe-zip-member');
    }
    if (entry.dir) continue;
    const sizes = (entry as unknown as MemberSizes)._data;
    const uncompressed = sizes?.uncompressedSize ?? 0;
    const compressed = Math.max(1, sizes?.compressedSize ?? 1);
    if (uncompressed > IMPORT_LIMITS.maxZipMemberBytes) {
      throw new UnsafeFileError(`"${shown}" unpacks to ${Math.round(uncompressed / 1048576)} MB; at most ${IMPORT_LIMITS.maxZipMemberBytes / 1048576} MB per member`, 'zip-bomb');
    }
    if (uncompressed > 1_048_576 && uncompressed / compressed > IMPORT_LIMITS.maxZipCompressionRatio) {
      throw new UnsafeFileError(`"${shown}" is compressed ${Math.round(uncompressed / compressed)}:1; at most ${IMPORT_LIMITS.maxZipCompressionRatio}:1`, 'zip-bomb');
    }
  }
}

/** Counts inflated bytes: the declared sizes in a zip can lie, the stream cannot. */
export function inflatedSizeGuard(memberName: string, maxBytes: number = IMPORT_LIMITS.maxZipMemberBytes): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(new UnsafeFileError(`"${sanitisedMemberName(memberName)}" unpacks to more than ${maxBytes / 1048576} MB`, 'zip-bomb'));
      else done(null, chunk);
    },
  });
}
