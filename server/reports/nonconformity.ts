/**
 * Non-conforming clusters for the dashboards and reports, judged by the shared conformity engine
 * (server/domain/conformity.ts) with the regulation profile in force on the reference date.
 *
 * Only facts that are cheap to know for every cluster at any past date are passed in: the
 * geometry's area and validity, and the attributes of the version valid then. Facts that need
 * spatial searches against other layers (residential areas, overlaps, the province boundary,
 * district occupancy) are left undefined, so those rules give `not-applicable` here; the full
 * per-cluster check stays the analysis module's job. A cluster counts as non-conforming when at
 * least one rule fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateConformity, type ConformityCluster } from '../domain/conformity.ts';
import { loadRegulationProfiles, selectProfileInForce, type RegulationProfile } from '../domain/regulations.ts';
import { gisDataDir } from '../paths.ts';
import type { SnapshotCluster } from './reports.repository.ts';

let cachedProfiles: RegulationProfile[] | undefined;

/** The regulation profiles in gis-data/regulations (immutable data files, read once). */
export function regulationProfiles(): RegulationProfile[] {
  if (!cachedProfiles) {
    const dir = path.join(gisDataDir, 'regulations');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'profile.schema.json' && f !== 'isolation-distances.json');
    cachedProfiles = loadRegulationProfiles(files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown));
  }
  return cachedProfiles;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function conformityInput(c: SnapshotCluster): ConformityCluster {
  const p = c.properties;
  return {
    name: c.name,
    status: c.status as ConformityCluster['status'],
    craft_village: p.craft_village === true,
    mountainous_district: p.mountainous_district === true,
    hazard_class: str(p.hazard_class),
    wastewater: (str(p.wastewater) as ConformityCluster['wastewater']) ?? null,
    industrial_land_ha: num(p.industrial_land_ha),
    leased_ha: num(p.leased_ha),
    planned_area_ha: num(p.planned_area_ha),
    occupancy_pct: num(p.occupancy_pct),
  };
}

/**
 * Ids of the clusters that fail at least one rule of the profile in force on `date` (YYYY-MM-DD).
 * Before the first regulation (2009) nothing is judged.
 */
export function nonConformingIds(clusters: readonly SnapshotCluster[], date: string): Set<string> {
  const profile = selectProfileInForce(regulationProfiles(), date);
  const out = new Set<string>();
  if (!profile) return out;
  for (const c of clusters) {
    if (c.status === 'removed') continue;
    const report = evaluateConformity(profile, conformityInput(c), { area_ha: c.area_ha, geometry_valid: c.geometry_valid });
    if (report.results.some((r) => r.result === 'fail')) out.add(c.cluster_id);
  }
  return out;
}
