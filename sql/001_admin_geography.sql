-- Administrative geography: 6 socio-economic regions, 63 provinces and their districts (pre-2025),
-- the 34 provincial units from 1 July 2025, and each province's VN-2000 3-degree zone.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE regions (
  code        text PRIMARY KEY,
  name_vi     text NOT NULL,
  name_en     text NOT NULL,
  sort_order  int  NOT NULL
);

CREATE TABLE provinces (
  code         text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
  name         text NOT NULL,
  short_name   text NOT NULL,
  region_code  text NOT NULL REFERENCES regions(code),
  -- full geometry for analysis; the simplified copy is only for display
  geom         geometry(MultiPolygon, 4326) NOT NULL,
  geom_display geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX provinces_geom_gix ON provinces USING gist (geom);
CREATE INDEX provinces_geom_display_gix ON provinces USING gist (geom_display);

CREATE TABLE districts (
  code          text PRIMARY KEY CHECK (code ~ '^[0-9]{3}$'),
  name          text NOT NULL,
  province_code text NOT NULL REFERENCES provinces(code),
  -- null where the source has no boundary (all of Quảng Ninh, a few renamed units)
  geom          geometry(MultiPolygon, 4326)
);
CREATE INDEX districts_province_idx ON districts (province_code);
CREATE INDEX districts_geom_gix ON districts USING gist (geom);

CREATE TABLE communes (
  code          text PRIMARY KEY CHECK (code ~ '^[0-9]{5}$'),
  name          text NOT NULL,
  district_code text NOT NULL REFERENCES districts(code)
);
CREATE INDEX communes_district_idx ON communes (district_code);

CREATE TABLE provinces_2025 (
  code         text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
  name         text NOT NULL,
  short_name   text NOT NULL,
  merged_from  text[] NOT NULL,
  geom         geometry(MultiPolygon, 4326) NOT NULL,
  geom_display geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX provinces_2025_geom_gix ON provinces_2025 USING gist (geom);
CREATE INDEX provinces_2025_geom_display_gix ON provinces_2025 USING gist (geom_display);

-- VN-2000 3-degree TM zone (EPSG 5896-5899, 9205-9218) used for each province's official planar areas.
CREATE TABLE province_vn2000_zones (
  province_code    text PRIMARY KEY REFERENCES provinces(code),
  epsg             int NOT NULL,
  central_meridian double precision NOT NULL
);

-- Which seed datasets have been loaded, so first start loads them once.
CREATE TABLE seed_state (
  name       text PRIMARY KEY,
  loaded_at  timestamptz NOT NULL DEFAULT now(),
  details    jsonb
);
