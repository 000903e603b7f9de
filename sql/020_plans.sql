-- The national cluster development plan to 2020 with its vision to 2025, and the regional and
-- provincial plans that follow it. A plan is a document (decision, authority, status); its
-- planned clusters are plan items, versioned and reviewed like cluster boundaries: `plan_items`
-- holds identity and two pointers, every save is an immutable row in `plan_item_versions`, and
-- review steps are events in `plan_item_review_events`.
CREATE TABLE plans (
  id                  bigserial PRIMARY KEY,
  name                text NOT NULL,
  level               text NOT NULL CHECK (level IN ('national', 'region', 'province')),
  region_code         text REFERENCES regions(code),
  province_code       text REFERENCES provinces(code),
  horizon_year        int  NOT NULL DEFAULT 2020,
  vision_year         int           DEFAULT 2025,
  decision_no         text,
  decision_date       date,
  decision_authority  text,
  status              text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'superseded')),
  supersedes_id       bigint REFERENCES plans(id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  created_by          bigint REFERENCES users(id),
  approved_at         timestamptz,
  superseded_at       timestamptz,
  CHECK ((level = 'national' AND region_code IS NULL AND province_code IS NULL)
      OR (level = 'region' AND region_code IS NOT NULL AND province_code IS NULL)
      OR (level = 'province' AND province_code IS NOT NULL))
);
CREATE INDEX plans_scope_idx ON plans (level, region_code, province_code);

-- Append-only history of a plan's own life (created, approved, superseded, items imported).
CREATE TABLE plan_events (
  id        bigserial PRIMARY KEY,
  plan_id   bigint NOT NULL REFERENCES plans(id),
  action    text NOT NULL,
  actor_id  bigint REFERENCES users(id),
  at        timestamptz NOT NULL DEFAULT now(),
  details   jsonb
);
CREATE INDEX plan_events_plan_idx ON plan_events (plan_id, id);
CREATE TRIGGER plan_events_immutable BEFORE UPDATE OR DELETE ON plan_events
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TABLE plan_items (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id           bigint NOT NULL REFERENCES plans(id),
  -- scope of the review permissions (the province the planned cluster lies in)
  province_code     text NOT NULL REFERENCES provinces(code),
  created_at        timestamptz NOT NULL DEFAULT now(),
  created_by        bigint REFERENCES users(id),
  head_version      int NOT NULL,
  published_version int,
  source            text NOT NULL DEFAULT 'user'
);
CREATE INDEX plan_items_plan_idx ON plan_items (plan_id);

CREATE TABLE plan_item_versions (
  item_id          uuid NOT NULL REFERENCES plan_items(id),
  version          int  NOT NULL CHECK (version >= 1),
  created_at       timestamptz NOT NULL DEFAULT now(),
  author_id        bigint REFERENCES users(id),
  comment          text,
  name             text NOT NULL,
  province_code    text NOT NULL REFERENCES provinces(code),
  district_code    text,
  phase            text NOT NULL CHECK (phase IN ('to-2015', '2016-2020', 'vision-2025')),
  planned_area_ha  double precision NOT NULL CHECK (planned_area_ha >= 0),
  -- the intended location: a point or a polygon
  geom             geometry(Geometry, 4326),
  -- the real cluster once established
  cluster_id       uuid REFERENCES clusters(id),
  status           text NOT NULL CHECK (status IN ('proposed', 'in-plan', 'established', 'removed-from-plan')),
  PRIMARY KEY (item_id, version)
);
CREATE INDEX plan_item_versions_geom_gix ON plan_item_versions USING gist (geom);
CREATE INDEX plan_item_versions_province_idx ON plan_item_versions (province_code);

CREATE TABLE plan_item_review_events (
  id        bigserial PRIMARY KEY,
  item_id   uuid NOT NULL,
  version   int  NOT NULL,
  state     text NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'changes_requested')),
  actor_id  bigint REFERENCES users(id),
  comment   text,
  at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (item_id, version) REFERENCES plan_item_versions(item_id, version)
);
CREATE INDEX plan_item_review_events_version_idx ON plan_item_review_events (item_id, version, id);

CREATE TABLE plan_item_comments (
  id          bigserial PRIMARY KEY,
  item_id     uuid NOT NULL REFERENCES plan_items(id),
  version     int,
  author_id   bigint REFERENCES users(id),
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_item_comments_item_idx ON plan_item_comments (item_id, id);

CREATE TRIGGER plan_item_versions_immutable BEFORE UPDATE OR DELETE ON plan_item_versions
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER plan_item_review_events_immutable BEFORE UPDATE OR DELETE ON plan_item_review_events
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE VIEW plan_item_version_states AS
SELECT DISTINCT ON (e.item_id, e.version) e.item_id, e.version, e.state, e.at
FROM plan_item_review_events e
ORDER BY e.item_id, e.version, e.id DESC;

CREATE VIEW plan_item_published_history AS
SELECT a.item_id, a.version, a.approved_at AS valid_from,
       lead(a.approved_at) OVER (PARTITION BY a.item_id ORDER BY a.approved_at, a.version) AS valid_to
FROM (
  SELECT item_id, version, min(at) AS approved_at
  FROM plan_item_review_events WHERE state = 'approved'
  GROUP BY item_id, version
) a;

-- As-of and period figures read the approved events of every cluster; keep that scan narrow.
CREATE INDEX cluster_review_events_approved_idx ON cluster_review_events (cluster_id, version, at) WHERE state = 'approved';
