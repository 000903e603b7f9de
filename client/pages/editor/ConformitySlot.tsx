import type { MultiPolygon, Polygon } from 'geojson';
import { ConformityPanel } from '../../analysis/ConformityPanel.tsx';

/**
 * SLOT for the plan-conformity panel (client/analysis/ConformityPanel.tsx, built by the analysis work):
 * it is given the boundary being drawn and the form's attributes, and re-checks as they change.
 * Only a boundary the shared validator accepts is sent, so the server is not asked about half-drawn shapes.
 */
export interface ConformitySlotProps {
  geometry: Polygon | MultiPolygon | null;
  properties: Record<string, unknown>;
  title: string;
}

export function ConformitySlot({ geometry, properties, title }: ConformitySlotProps) {
  if (!geometry) return null;
  return (
    <section className="editor__conformity" aria-label={title} data-testid="conformity-slot">
      <h3 className="ca-subtitle">{title}</h3>
      <ConformityPanel geometry={geometry} attributes={properties} debounceMs={600} />
    </section>
  );
}
