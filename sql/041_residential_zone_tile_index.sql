-- Low-zoom vector tiles of residential zones draw only zones at least ~1.5 screen pixels wide (see
-- server/tiles/tile-layers.ts). This partial index holds just those larger zones, so a z8/z9 tile over a
-- million small polygons reads a fraction of the rows instead of every zone in the tile.
-- The predicates must stay textually identical to LOW_ZOOM_INDEXES in tile-layers.ts (z9: 0.002, z8: 0.004).
DO $$
BEGIN
  IF to_regclass('residential_zones') IS NOT NULL THEN
    EXECUTE 'CREATE INDEX residential_zones_large_geom_gix ON residential_zones USING gist (geom)
             WHERE greatest(ST_XMax(geom) - ST_XMin(geom), ST_YMax(geom) - ST_YMin(geom)) >= 0.002';
    EXECUTE 'CREATE INDEX residential_zones_larger_geom_gix ON residential_zones USING gist (geom)
             WHERE greatest(ST_XMax(geom) - ST_XMin(geom), ST_YMax(geom) - ST_YMin(geom)) >= 0.004';
  END IF;
END $$;
