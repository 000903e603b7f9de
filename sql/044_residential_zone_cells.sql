-- z11 residential tiles carry only each zone's kind, so a tile can hold one feature per kind: the zones' grid
-- geometry (sql/042) collected per tile cell. ST_AsMVT then encodes 4 rows instead of ~7,000 (3.6 ms instead
-- of ~18 ms over Hà Nội); the drawing is the same, overlaps included.
-- Cells are rebuilt by the server (server/tiles/tiles.repository.ts, buildCell), with the same rows and
-- conditions as a tile built from the zones. Writes only mark cells stale, in the writing transaction, and a
-- tile over a stale cell is built from the zones, so no tile is ever stale.
CREATE TABLE residential_zone_cells (
  x    int  NOT NULL,
  y    int  NOT NULL,
  kind text NOT NULL,
  -- in the cell's tile coordinates (extent 4096, buffer 64), ready for ST_AsMVT
  geom geometry NOT NULL,
  PRIMARY KEY (x, y, kind)
);
-- (default, compressed storage on purpose: a dense cell's ~1.1 MB of coordinates compress to ~0.36 MB, and reading
-- 3× fewer TOAST chunks took 3.8 ms where the uncompressed EXTERNAL storage took 10.8 ms)

-- generation counts the writes that touched the cell; the cell rows are current when built_generation equals it
CREATE TABLE residential_zone_cell_state (
  x                int    NOT NULL,
  y                int    NOT NULL,
  generation       bigint NOT NULL DEFAULT 1,
  built_generation bigint,
  PRIMARY KEY (x, y)
);
CREATE INDEX residential_zone_cell_state_stale_idx ON residential_zone_cell_state (x, y) WHERE built_generation IS DISTINCT FROM generation;

-- The z11 cells whose buffered tile (64 of 4096 units, TILE_BUFFER in server/tiles/tile-layers.ts) a zone's grid
-- geometry touches. Zones that collapse on the grid are never drawn at z11 and touch no cell.
CREATE FUNCTION mark_residential_zone_cells(grid_geometries geometry[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO residential_zone_cell_state AS s (x, y)
  SELECT DISTINCT cx, cy
  FROM unnest(grid_geometries) AS g(geom),
       generate_series(floor((ST_XMin(g.geom) - 64) / 4096)::int, floor((ST_XMax(g.geom) + 64) / 4096)::int) AS cx,
       generate_series(floor((ST_YMin(g.geom) - 64) / 4096)::int, floor((ST_YMax(g.geom) + 64) / 4096)::int) AS cy
  WHERE g.geom IS NOT NULL
  ON CONFLICT (x, y) DO UPDATE SET generation = s.generation + 1
$$;

-- One pass per writing statement records where the residential layer changed (sql/043) and marks the cells
-- the changed zones touch stale.
CREATE FUNCTION residential_zones_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched bigint;
  area geometry;
  grid_geometries geometry[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT count(*), ST_Extent(geom)::geometry, array_agg(geom_tile_z11) INTO touched, area, grid_geometries FROM new_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT count(*), ST_Extent(geom)::geometry, array_agg(geom_tile_z11) INTO touched, area, grid_geometries
    FROM (SELECT geom, geom_tile_z11 FROM new_rows UNION ALL SELECT geom, geom_tile_z11 FROM old_rows) g;
  ELSE
    SELECT count(*), ST_Extent(geom)::geometry, array_agg(geom_tile_z11) INTO touched, area, grid_geometries FROM old_rows;
  END IF;
  IF touched > 0 THEN
    PERFORM record_layer_change('residential-zones', area);
    PERFORM mark_residential_zone_cells(grid_geometries);
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS residential_zones_layer_version ON residential_zones;
CREATE TRIGGER residential_zones_changed_insert AFTER INSERT ON residential_zones REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION residential_zones_changed();
CREATE TRIGGER residential_zones_changed_update AFTER UPDATE ON residential_zones REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION residential_zones_changed();
CREATE TRIGGER residential_zones_changed_delete AFTER DELETE ON residential_zones REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION residential_zones_changed();

-- zones stored before this migration: their cells start stale and are built on first use
SELECT mark_residential_zone_cells(ARRAY(SELECT geom_tile_z11 FROM residential_zones));
