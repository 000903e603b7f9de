import type { ExpressionSpecification } from 'maplibre-gl';
import { CLUSTER_STATUSES, type ClusterStatus } from '@domain/cluster-attributes';

/**
 * Okabe–Ito hues (safe for the common colour-vision deficiencies), each dark enough to stand out on the
 * pale region fills; labels never sit on them, so only the legend text needs (and has) text contrast.
 */
export const STATUS_COLORS: Record<ClusterStatus, string> = {
  planned: '#CC79A7',
  established: '#0072B2',
  operating: '#009E73',
  expanding: '#E69F00',
  suspended: '#D55E00',
  removed: '#6B7280',
};

/** Statuses shown in the legend: removed clusters are left out of the public data. */
export const LEGEND_STATUSES = CLUSTER_STATUSES.filter((s) => s !== 'removed');

export const PLAN_ITEM_COLOR = '#7B3294';

export const RESIDENTIAL_KINDS = ['urban', 'rural-settlement', 'craft-village', 'sensitive'] as const;
export type ResidentialKind = (typeof RESIDENTIAL_KINDS)[number];
export const RESIDENTIAL_COLORS: Record<ResidentialKind, string> = {
  urban: '#8C510A',
  'rural-settlement': '#BF812D',
  'craft-village': '#01665E',
  sensitive: '#C51B7D',
};

export function statusColorExpression(): ExpressionSpecification {
  return ['match', ['get', 'status'], ...CLUSTER_STATUSES.flatMap((s) => [s, STATUS_COLORS[s]]), '#6B7280'] as unknown as ExpressionSpecification;
}

export function residentialColorExpression(): ExpressionSpecification {
  return ['match', ['get', 'kind'], ...RESIDENTIAL_KINDS.flatMap((k) => [k, RESIDENTIAL_COLORS[k]]), '#8C510A'] as unknown as ExpressionSpecification;
}
