-- Polluting production facilities (the relocation register) and stored relocation screenings.
-- Like clusters: `facilities` holds identity and the head pointer, every save is an immutable row in
-- `facility_versions` (written in the same transaction), so every change is kept.
CREATE TABLE facilities (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  province_code text NOT NULL REFERENCES provinces(code),
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    bigint REFERENCES users(id),
  head_version  int NOT NULL,
  -- marks generated demo/benchmark data so it is never mixed up with real data
  source        text NOT NULL DEFAULT 'user'
);
CREATE INDEX facilities_province_idx ON facilities (province_code);

CREATE TABLE facility_versions (
  facility_id     uuid NOT NULL REFERENCES facilities(id),
  version         int  NOT NULL CHECK (version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  author_id       bigint REFERENCES users(id),
  comment         text,
  -- attributes as sent (validated), names as in the API contract
  properties      jsonb NOT NULL,
  -- denormalised for filtering
  name            text NOT NULL,
  status          text NOT NULL CHECK (status IN ('in-place', 'relocation-planned', 'relocated')),
  hazard_class    text CHECK (hazard_class IN ('I', 'II', 'III', 'IV', 'V')),
  industry        text,
  land_need_ha    double precision CHECK (land_need_ha >= 0),
  province_code   text NOT NULL REFERENCES provinces(code),
  district_code   text,
  -- the site: a point or a polygon
  geom            geometry(Geometry, 4326) NOT NULL
                  CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')),
  PRIMARY KEY (facility_id, version)
);
CREATE INDEX facility_versions_geom_gix ON facility_versions USING gist (geom);
CREATE INDEX facility_versions_province_idx ON facility_versions (province_code);

CREATE TRIGGER facility_versions_immutable BEFORE UPDATE OR DELETE ON facility_versions
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- A screening is evidence a decision may cite: inputs, the data it saw and the result, never changed.
CREATE TABLE screenings (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    bigint REFERENCES users(id),
  facility_ids  uuid[] NOT NULL,
  inputs        jsonb NOT NULL,
  data_version  jsonb NOT NULL,
  result        jsonb NOT NULL
);
CREATE INDEX screenings_created_idx ON screenings (created_at);
CREATE TRIGGER screenings_immutable BEFORE UPDATE OR DELETE ON screenings
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
