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
import { conformityClusterFromProperties, evaluateConformity, type ConformityCluster } from '../domain/conformity.ts';
import { selectProfileInForce } from '../domain/regulations.ts';
import { regulationProfiles } from '../analysis/profiles.ts';
import type { SnapshotCluster } from './reports.repository.ts';

// the regulation profiles in gis-data/regulations, validated and cached once per process
export { regulationProfiles };


export function conformityInput(c: SnapshotCluster): ConformityCluster {
  // the row's denormalised name and status are those of the version being judged
  return { ...conformityClusterFromProperties(c.properties), name: c.name, status: c.status as ConformityCluster['status'] };
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
