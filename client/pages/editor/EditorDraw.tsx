import { useEffect, useRef } from 'react';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Polygon } from 'geojson';
import { TerraDraw, TerraDrawPolygonMode, TerraDrawSelectMode, type GeoJSONStoreFeatures, type SnapToCustom } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { removeDuplicateConsecutiveVertices } from '@domain/geometry-validation';
import { useMap } from '../../map/index.ts';
import { combineParts, polygonParts } from '../../clusters/geometry.ts';
import type { BoundarySnapper } from '../../clusters/snapping.ts';
import type { BoundaryGeometry } from '../../clusters/types.ts';

export type EditorTool = 'draw' | 'select' | 'pan';

/** What the page can do with the drawing; handed up once terra-draw is ready. */
export interface DrawController {
  /** Replaces what is drawn (load, import, undo/redo). Returns false when terra-draw refused the geometry. */
  setGeometry(geometry: BoundaryGeometry | null): boolean;
  setTool(tool: EditorTool): void;
  /** The polygons currently in the store (including one being drawn). */
  current(): BoundaryGeometry | null;
  /** The editor's own map (window.__map is whichever map was created last, e.g. a history diff map). */
  map: MapLibreMap;
}

export interface EditorDrawProps {
  snapper: BoundarySnapper;
  snapping: boolean;
  /** A finished edit (polygon closed, vertex dropped): goes on the undo stack. */
  onCommit(geometry: BoundaryGeometry | null): void;
  /** Every intermediate change (for the live area while a vertex moves). */
  onLive(geometry: BoundaryGeometry | null): void;
  onReady(controller: DrawController): void;
  /** terra-draw switched tools by itself (to vertex editing after a part was closed). */
  onToolChange(tool: EditorTool): void;
}

// editor colours: the edited boundary is orange so it stands apart from blue published clusters
const EDIT = '#ea580c';
const PX_TOLERANCE = 12;
// terra-draw refuses coordinates with more decimals than its precision, so loaded/imported ones are rounded to it
const PRECISION = 9;

function degreesPerPx(map: MapLibreMap): number {
  return 360 / (512 * 2 ** map.getZoom());
}

function polygonsInStore(draw: TerraDraw): Polygon[] {
  return draw
    .getSnapshot()
    .filter((f) => f.geometry.type === 'Polygon' && f.properties?.mode === 'polygon')
    .map((f) => dedupe(f.geometry as Polygon))
    // a polygon being drawn has fewer than 4 distinct positions until it is closed
    .filter((p) => p.coordinates[0] && p.coordinates[0].length >= 4);
}

// while a part is drawn terra-draw repeats the cursor position; that is not the user's doing, so it is not reported
function dedupe(geometry: Polygon): Polygon {
  return { type: 'Polygon', coordinates: geometry.coordinates.map((r) => removeDuplicateConsecutiveVertices(r).positions) };
}

function round(geometry: Polygon): Polygon {
  const f = 10 ** PRECISION;
  return { type: 'Polygon', coordinates: geometry.coordinates.map((r) => r.map(([x, y]) => [Math.round(x * f) / f, Math.round(y * f) / f])) };
}

/**
 * terra-draw on the editor map (render inside <MapView>). Polygon mode draws parts, select mode edits
 * vertices; snapping to other clusters and the province outline goes through `toCustom`.
 */
export function EditorDraw({ snapper, snapping, onCommit, onLive, onReady, onToolChange }: EditorDrawProps) {
  const map = useMap();
  const callbacks = useRef({ onCommit, onLive, onReady, onToolChange });
  callbacks.current = { onCommit, onLive, onReady, onToolChange };
  const snappingRef = useRef(snapping);
  snappingRef.current = snapping;
  const drawRef = useRef<TerraDraw | null>(null);

  useEffect(() => {
    if (!map) return;
    const toCustom: SnapToCustom = (event) => {
      if (!snappingRef.current) return undefined;
      return snapper.snap(event.lng, event.lat, (lng, lat) => map.project([lng, lat]), PX_TOLERANCE, degreesPerPx(map));
    };
    const snappingOptions = { toCustom, toCoordinate: true };
    const draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: PRECISION }),
      modes: [
        new TerraDrawPolygonMode({
          snapping: snappingOptions,
          styles: {
            fillColor: EDIT,
            fillOpacity: 0.25,
            outlineColor: EDIT,
            outlineWidth: 3,
            closingPointColor: '#ffffff',
            closingPointOutlineColor: EDIT,
            closingPointWidth: 6,
            closingPointOutlineWidth: 2,
            snappingPointColor: '#facc15',
            snappingPointOutlineColor: '#1d2330',
            snappingPointWidth: 6,
            snappingPointOutlineWidth: 2,
          },
        }),
        new TerraDrawSelectMode({
          flags: {
            polygon: {
              feature: {
                draggable: false,
                coordinates: { draggable: true, midpoints: true, deletable: true, snappable: snappingOptions },
              },
            },
          },
          styles: {
            selectedPolygonColor: EDIT,
            selectedPolygonFillOpacity: 0.3,
            selectedPolygonOutlineColor: EDIT,
            selectedPolygonOutlineWidth: 3,
            selectionPointColor: '#ffffff',
            selectionPointOutlineColor: EDIT,
            selectionPointWidth: 5,
            selectionPointOutlineWidth: 2,
            midPointColor: EDIT,
            midPointOutlineColor: '#ffffff',
            midPointWidth: 3,
          },
        }),
      ],
    });
    draw.start();
    drawRef.current = draw;
    let suppress = false;

    const currentGeometry = () => combineParts(polygonsInStore(draw));
    draw.on('change', () => {
      if (!suppress) callbacks.current.onLive(currentGeometry());
    });
    draw.on('finish', (id, context) => {
      if (suppress) return;
      const geometry = currentGeometry();
      callbacks.current.onCommit(geometry);
      // after closing a part, switch to vertex editing with it selected: the usual next step
      if (context.action === 'draw' && context.mode === 'polygon') {
        draw.setMode('select');
        callbacks.current.onToolChange('select');
        try {
          draw.selectFeature(id);
        } catch {
          // selecting is a convenience
        }
      }
    });

    const controller: DrawController = {
      setGeometry(geometry) {
        suppress = true;
        try {
          draw.clear();
          const parts = polygonParts(geometry).map(round);
          if (!parts.length) return true;
          const features = parts.map((p) => ({ type: 'Feature', geometry: p, properties: { mode: 'polygon' } }) as GeoJSONStoreFeatures);
          const results = draw.addFeatures(features);
          return results.every((r) => r.valid);
        } finally {
          suppress = false;
        }
      },
      setTool(tool) {
        if (tool === 'draw') draw.setMode('polygon');
        else if (tool === 'select') draw.setMode('select');
        else draw.setMode('static');
      },
      current: currentGeometry,
      map,
    };
    callbacks.current.onReady(controller);

    return () => {
      drawRef.current = null;
      try {
        draw.stop();
      } catch {
        // the map may already be gone
      }
    };
  }, [map, snapper]);

  return null;
}
