-- Residential zones pre-projected onto the integer pixel grid of zoom 11 (tile extent 4096, y down), valid on
-- that grid. A z11 tile over Hà Nội holds ~7,000 zones; projecting and validating each one per request
-- (ST_Transform + ST_AsMVTGeom) cost 60–160 ms, while translating stored grid geometry costs a few ms.
-- z12–z13 tiles scale it up by 2 and 4 (an integer scale keeps it valid), at most half a screen pixel off.
-- See server/tiles/tile-layers.ts (tileGrid) and docs/benchmarks/tiles.md.

-- The geometry (EPSG:3857) in global grid units of `zoom`, snapped to integers and made valid the way
-- ST_AsMVTGeom's GEOS path does (snap, make valid, re-snap, at most 3 rounds), exterior rings clockwise on screen.
-- NULL when the feature collapses below one grid unit or cannot be made valid on the grid.
CREATE FUNCTION tile_grid_geometry(geom_3857 geometry, zoom int) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  half_world constant float8 := 20037508.342789244;
  scale constant float8 := 4096 * 2 ^ zoom / (2 * half_world);
  g geometry := ST_SnapToGrid(ST_Affine(geom_3857, scale, 0, 0, -scale, half_world * scale, half_world * scale), 1);
BEGIN
  FOR attempt IN 1..3 LOOP
    IF g IS NULL OR ST_IsEmpty(g) THEN
      RETURN NULL;
    END IF;
    IF ST_IsValid(g) THEN
      -- y points down on the grid, so counter-clockwise in these numbers is clockwise on screen (MVT 2.1)
      RETURN ST_ForcePolygonCCW(g);
    END IF;
    g := ST_SnapToGrid(ST_CollectionExtract(ST_MakeValid(g), 3), 1);
  END LOOP;
  RETURN NULL;
END $$;

ALTER TABLE residential_zones
  ADD COLUMN geom_tile_z11 geometry GENERATED ALWAYS AS (tile_grid_geometry(ST_Transform(geom, 3857), 11)) STORED;
