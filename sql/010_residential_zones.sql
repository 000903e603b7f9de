-- Residential zones (khu dân cư) that industrial clusters must keep their isolation distance from,
-- the import jobs that load them (progress lives here so any app instance can report it), and
-- the synthetic datasets generated for tests, demos and benchmarks.
CREATE TABLE residential_imports (
  id            bigserial PRIMARY KEY,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  created_by    bigint REFERENCES users(id),
  filename      text,
  format        text CHECK (format IN ('geojson', 'kml')),
  status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'rejected', 'failed')),
  -- parsing → validating → storing; lets the UI show a meaningful progress bar
  phase         text NOT NULL DEFAULT 'parsing' CHECK (phase IN ('parsing', 'validating', 'storing', 'finished')),
  total         int NOT NULL DEFAULT 0,
  processed     int NOT NULL DEFAULT 0,
  stored        int NOT NULL DEFAULT 0,
  -- every bad feature with its reason when rejected
  errors        jsonb NOT NULL DEFAULT '[]'::jsonb
);

CREATE TABLE residential_zones (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('urban', 'rural-settlement', 'craft-village', 'sensitive')),
  name          text,
  population    int CHECK (population IS NULL OR population >= 0),
  -- 'import' for uploaded data, 'synthetic' for generated data (never mixed up with real data)
  source        text NOT NULL DEFAULT 'import' CHECK (source IN ('import', 'synthetic', 'test')),
  import_id     bigint REFERENCES residential_imports(id),
  -- province of a point on the surface; for filtering and reports only
  province_code text REFERENCES provinces(code),
  properties    jsonb NOT NULL DEFAULT '{}'::jsonb,
  geom          geometry(MultiPolygon, 4326) NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX residential_zones_geom_gix ON residential_zones USING gist (geom);
CREATE INDEX residential_zones_province_idx ON residential_zones (province_code);
CREATE INDEX residential_zones_source_idx ON residential_zones (source);

CREATE TABLE synthetic_datasets (
  seed        bigint PRIMARY KEY,
  clusters    int NOT NULL,
  residential int NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
