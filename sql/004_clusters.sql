-- Cluster registry. `clusters` holds identity and two pointers; every save is an immutable row in
-- `cluster_versions`; review steps are events in `cluster_review_events`, so versions never change.
CREATE TABLE clusters (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code              text NOT NULL UNIQUE,
  province_code     text NOT NULL REFERENCES provinces(code),
  created_at        timestamptz NOT NULL DEFAULT now(),
  created_by        bigint REFERENCES users(id),
  -- latest version (any review state) and the version the public sees (last approved)
  head_version      int NOT NULL,
  published_version int,
  -- marks generated demo/benchmark data so it is never mixed up with real data
  source            text NOT NULL DEFAULT 'user'
);
CREATE INDEX clusters_province_idx ON clusters (province_code);

CREATE TABLE cluster_versions (
  cluster_id     uuid NOT NULL REFERENCES clusters(id),
  version        int  NOT NULL CHECK (version >= 1),
  created_at     timestamptz NOT NULL DEFAULT now(),
  author_id      bigint REFERENCES users(id),
  comment        text,
  -- attributes as sent (validated), names as in the API contract
  properties     jsonb NOT NULL,
  -- denormalised from properties for filtering and aggregation
  name           text NOT NULL,
  status         text NOT NULL CHECK (status IN ('planned', 'established', 'operating', 'expanding', 'suspended', 'removed')),
  province_code  text NOT NULL REFERENCES provinces(code),
  district_code  text,
  geom           geometry(MultiPolygon, 4326) NOT NULL,
  -- computed by the server, never trusted from the client
  area_ha        double precision NOT NULL,
  area_ha_vn2000 double precision,
  vn2000_epsg    int,
  PRIMARY KEY (cluster_id, version)
);
CREATE INDEX cluster_versions_geom_gix ON cluster_versions USING gist (geom);
CREATE INDEX cluster_versions_province_idx ON cluster_versions (province_code);

CREATE TABLE cluster_review_events (
  id          bigserial PRIMARY KEY,
  cluster_id  uuid NOT NULL,
  version     int  NOT NULL,
  state       text NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'changes_requested')),
  actor_id    bigint REFERENCES users(id),
  comment     text,
  at          timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (cluster_id, version) REFERENCES cluster_versions(cluster_id, version)
);
CREATE INDEX cluster_review_events_version_idx ON cluster_review_events (cluster_id, version, id);

CREATE TABLE cluster_comments (
  id          bigserial PRIMARY KEY,
  cluster_id  uuid NOT NULL REFERENCES clusters(id),
  version     int,
  author_id   bigint REFERENCES users(id),
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cluster_comments_cluster_idx ON cluster_comments (cluster_id, id);

-- Immutability of versions is enforced by the database, not by convention.
CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is immutable', TG_TABLE_NAME;
END $$;
CREATE TRIGGER cluster_versions_immutable BEFORE UPDATE OR DELETE ON cluster_versions
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER cluster_review_events_immutable BEFORE UPDATE OR DELETE ON cluster_review_events
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- The review state of each version is its latest review event.
CREATE VIEW cluster_version_states AS
SELECT DISTINCT ON (e.cluster_id, e.version) e.cluster_id, e.version, e.state, e.at
FROM cluster_review_events e
ORDER BY e.cluster_id, e.version, e.id DESC;

-- The published (approved) versions with the interval in which each was the public one;
-- as-of queries and period reports read this rather than today's data.
CREATE VIEW cluster_published_history AS
SELECT a.cluster_id, a.version, a.approved_at AS valid_from,
       lead(a.approved_at) OVER (PARTITION BY a.cluster_id ORDER BY a.approved_at, a.version) AS valid_to
FROM (
  SELECT cluster_id, version, min(at) AS approved_at
  FROM cluster_review_events WHERE state = 'approved'
  GROUP BY cluster_id, version
) a;
