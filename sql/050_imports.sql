-- Data exchange: one row per uploaded file (kept after commit as the import record: hash, importer,
-- mapping, issues) and its parsed features, staged here until commit. Progress lives in the row so any
-- stateless app instance can answer the poll.
CREATE TABLE imports (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      bigint REFERENCES users(id),
  layer           text NOT NULL CHECK (layer IN ('clusters', 'residential-zones', 'facilities', 'plan-items')),
  filename        text,
  file_hash       text NOT NULL,
  file_size       bigint NOT NULL,
  -- the province chosen on upload (or the planner's own), used to detect a VN-2000 zone
  province_code   text REFERENCES provinces(code),
  -- plan-items only: the plan the items are added to
  plan_id         bigint,
  format          text,
  -- 'EPSG:NNNN'; crs_source says where it came from; a detected CRS needs confirming before commit
  crs             text,
  crs_source      text CHECK (crs_source IN ('prj', 'query', 'file', 'default', 'detected', 'confirmed')),
  crs_confirmed   boolean NOT NULL DEFAULT false,
  -- coordinates given northing-first (VN survey X/Y) or lat/lon were swapped back
  axis_swapped    boolean NOT NULL DEFAULT false,
  encoding        text,
  state           text NOT NULL DEFAULT 'checking' CHECK (state IN ('checking', 'checked', 'committed', 'failed')),
  progress        int NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  feature_count   int NOT NULL DEFAULT 0,
  source_fields   jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- { source field: target attribute | null }
  mapping         jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- file-level problems (no feature): unreadable file, unknown CRS…
  error           jsonb,
  bbox            jsonb,
  committed_at    timestamptz,
  committed_by    bigint REFERENCES users(id),
  created_count   int,
  skipped_count   int
);
CREATE INDEX imports_created_by_idx ON imports (created_by, created_at DESC);
CREATE INDEX imports_hash_idx ON imports (file_hash);

CREATE TABLE import_features (
  import_id     uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  feature       int  NOT NULL,
  properties    jsonb NOT NULL,
  -- coordinates as read from the file, as GeoJSON text: their CRS may still change on confirmation,
  -- and every geometry column of the schema stays SRID 4326
  src_geojson   text,
  -- problems found while reading (z dropped, duplicate vertices…), kept across re-checks
  read_issues   jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- derived by the check: WGS 84 geometry (repaired when safe), location province, mapped attributes
  geom          geometry(Geometry, 4326),
  province_code text,
  area_ha       double precision,
  attributes    jsonb,
  issues        jsonb NOT NULL DEFAULT '[]'::jsonb,
  blocked       boolean NOT NULL DEFAULT false,
  -- set on commit: the row created in the target layer, or why the feature was skipped
  target_id     text,
  skipped       text,
  PRIMARY KEY (import_id, feature)
);
CREATE INDEX import_features_geom_gix ON import_features USING gist (geom);
