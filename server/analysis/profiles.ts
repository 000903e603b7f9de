/**
 * Regulation profiles (gis-data/regulations/*.json), validated once per process against
 * profile.schema.json with ajv and by the domain validator. They are immutable data, so caching
 * them in memory keeps instances stateless.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { gisDataDir } from '../paths.ts';
import { loadRegulationProfiles, selectProfileInForce, type RegulationProfile } from '../domain/regulations.ts';

export const REGULATIONS_DIR = path.join(gisDataDir, 'regulations');
const NOT_PROFILES = new Set(['profile.schema.json', 'isolation-distances.json']);

/** Reads and validates every profile in a folder; throws listing every problem. */
export function readRegulationProfiles(dir = REGULATIONS_DIR): RegulationProfile[] {
  const schema = JSON.parse(readFileSync(path.join(dir, 'profile.schema.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  const objects: unknown[] = [];
  const problems: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && !NOT_PROFILES.has(f)).sort()) {
    const obj = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    if (!validate(obj)) {
      for (const e of validate.errors ?? []) problems.push(`${file} ${e.instancePath || '/'}: ${e.message}`);
    }
    objects.push(obj);
  }
  if (problems.length) throw new Error(`invalid regulation profiles:\n${problems.join('\n')}`);
  return loadRegulationProfiles(objects);
}

let cached: RegulationProfile[] | undefined;

/** The validated profiles, sorted by effective date (loaded on first use; the router calls it at start-up). */
export function regulationProfiles(): RegulationProfile[] {
  cached ??= readRegulationProfiles();
  return cached;
}

export function findProfile(id: string): RegulationProfile | undefined {
  return regulationProfiles().find((p) => p.id === id);
}

/** The profile in force on the date (decision date, else today); before the first document, the earliest one. */
export function defaultProfile(date: string | null | undefined): RegulationProfile {
  const profiles = regulationProfiles();
  const day = typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : new Date();
  return selectProfileInForce(profiles, day) ?? profiles[0]!;
}
