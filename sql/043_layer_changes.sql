-- Where each change to a public layer happened. A tile's ETag is derived from the latest change whose area
-- touches the (buffered) tile, so approving one cluster changes the ETags of the tiles it is drawn on and
-- leaves every other tile of the layer valid: clients revalidate them with a cheap 304.
-- One row per writing statement (the bounding box of everything it changed), in the writing transaction.
CREATE TABLE layer_changes (
  id         bigserial PRIMARY KEY,
  layer      text NOT NULL,
  version    bigint NOT NULL,
  -- bounding box in lon/lat; the whole world where the place is unknown
  area       geometry(Geometry, 4326) NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX layer_changes_area_gix ON layer_changes USING gist (area);
CREATE INDEX layer_changes_layer_version_idx ON layer_changes (layer, version);

-- Bumps the layer's version (as before, for OGC ETags and /tiles/versions.json) and records where it changed.
-- A NULL area means "somewhere": the whole world, so no tile can keep a stale ETag.
CREATE FUNCTION record_layer_change(layer_id text, area geometry) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  new_version bigint;
BEGIN
  INSERT INTO layer_versions AS l (layer, version, changed_at) VALUES (layer_id, 1, now())
  ON CONFLICT (layer) DO UPDATE SET version = l.version + 1, changed_at = now()
  RETURNING version INTO new_version;
  INSERT INTO layer_changes (layer, version, area)
  VALUES (layer_id, new_version, coalesce(ST_SetSRID(ST_Envelope(area), 4326), ST_MakeEnvelope(-180, -90, 180, 90, 4326)));
END $$;

-- Layers whose place of change is not tracked (provinces, regions) change everywhere.
CREATE OR REPLACE FUNCTION bump_layer_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM record_layer_change(TG_ARGV[0], NULL);
  RETURN NULL;
END $$;

-- Every tile starts from one world-wide change per layer, stamped with this database's clock, so two
-- databases never hand out the same tile ETag for different data.
INSERT INTO layer_changes (layer, version, area)
SELECT layer, version, ST_MakeEnvelope(-180, -90, 180, 90, 4326) FROM layer_versions;

-- Transition tables allow one event per trigger, so each table gets one trigger per event. plpgsql plans
-- each statement on first use, so the branches that name a transition table the event lacks never run.

-- Published clusters: the published geometry before and after, for the clusters whose public columns a
-- statement changed. A published version whose geometry is not found (cannot happen today) counts as the
-- whole world.
CREATE FUNCTION clusters_layer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched bigint;
  area geometry;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT count(*), ST_Extent(v.geom)::geometry INTO touched, area
    FROM new_rows n LEFT JOIN cluster_versions v ON v.cluster_id = n.id AND v.version = n.published_version;
    IF area IS NULL THEN RETURN NULL; END IF; -- nothing published yet: the public layer is unchanged
  ELSIF TG_OP = 'UPDATE' THEN
    -- only the public columns matter: moving the head pointer (a new draft) changes nothing public
    WITH changed AS (
      SELECT n.id, n.published_version AS new_version, o.published_version AS old_version
      FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE n.published_version IS DISTINCT FROM o.published_version OR n.code IS DISTINCT FROM o.code
    )
    SELECT count(*), ST_Extent(v.geom)::geometry INTO touched, area
    FROM (SELECT id, new_version AS published_version FROM changed UNION SELECT id, old_version FROM changed) c
    LEFT JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version
    WHERE c.published_version IS NOT NULL;
  ELSE
    SELECT count(*), ST_Extent(v.geom)::geometry INTO touched, area
    FROM old_rows o LEFT JOIN cluster_versions v ON v.cluster_id = o.id AND v.version = o.published_version
    WHERE o.published_version IS NOT NULL;
  END IF;
  IF touched > 0 THEN PERFORM record_layer_change('clusters', area); END IF;
  RETURN NULL;
END $$;

-- A version row matters to the public layer only when it is the published one.
CREATE FUNCTION cluster_versions_layer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  area geometry;
BEGIN
  SELECT ST_Extent(n.geom)::geometry INTO area
  FROM new_rows n JOIN clusters c ON c.id = n.cluster_id AND c.published_version = n.version;
  IF area IS NOT NULL THEN PERFORM record_layer_change('clusters', area); END IF;
  RETURN NULL;
END $$;

-- Approval events of the published version are its public approval date (OGC). Events on drafts and
-- submitted versions change nothing public.
CREATE FUNCTION cluster_review_events_layer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  area geometry;
BEGIN
  SELECT ST_Extent(v.geom)::geometry INTO area
  FROM (SELECT DISTINCT cluster_id, version FROM new_rows WHERE state = 'approved') n
  JOIN clusters c ON c.id = n.cluster_id AND c.published_version = n.version
  JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version;
  IF area IS NOT NULL THEN PERFORM record_layer_change('clusters', area); END IF;
  RETURN NULL;
END $$;

-- Plan items: the same shape as clusters, and a plan's status change touches all its published items.
CREATE FUNCTION plan_items_layer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched bigint;
  area geometry;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT count(*), ST_Extent(v.geom)::geometry INTO touched, area
    FROM new_rows n LEFT JOIN plan_item_versions v ON v.item_id = n.id AND v.version = n.published_version;
    IF area IS NULL THEN RETURN NULL; END IF;
  ELSIF TG_OP = 'UPDATE' THEN
    WITH changed AS (
      SELECT n.id, n.published_version AS new_version, o.published_version AS old_version
      FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE n.published_version IS DISTINCT FROM o.published_version OR n.plan_id IS DISTINCT FROM o.plan_id
    )
    SELECT count(*), ST_Extent(v.geom)::geometry INTO touched, area
    FROM (SELECT id, new_version AS published_version FROM changed UNION SELECT id, old_version FROM changed) i
    LEFT JOIN plan_item_versions v ON v.item_id = i.id AND v.version = i.published_version
    WHERE i.published_version IS NOT NULL;
  ELSE
    SELECT count(*), ST_Extent(v.geom)::geometry INTO touched, area
    FROM old_rows o LEFT JOIN plan_item_versions v ON v.item_id = o.id AND v.version = o.published_version
    WHERE o.published_version IS NOT NULL;
  END IF;
  IF touched > 0 THEN PERFORM record_layer_change('plan-items', area); END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION plan_item_versions_layer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  area geometry;
BEGIN
  SELECT ST_Extent(n.geom)::geometry INTO area
  FROM new_rows n JOIN plan_items i ON i.id = n.item_id AND i.published_version = n.version;
  IF area IS NOT NULL THEN PERFORM record_layer_change('plan-items', area); END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION plan_item_review_events_layer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  area geometry;
BEGIN
  SELECT ST_Extent(v.geom)::geometry INTO area
  FROM (SELECT DISTINCT item_id, version FROM new_rows WHERE state = 'approved') n
  JOIN plan_items i ON i.id = n.item_id AND i.published_version = n.version
  JOIN plan_item_versions v ON v.item_id = i.id AND v.version = i.published_version;
  IF area IS NOT NULL THEN PERFORM record_layer_change('plan-items', area); END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION plans_layer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched bigint;
  area geometry;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT count(*) INTO touched FROM new_rows;
    SELECT ST_Extent(v.geom)::geometry INTO area FROM new_rows p
    JOIN plan_items i ON i.plan_id = p.id JOIN plan_item_versions v ON v.item_id = i.id AND v.version = i.published_version;
    IF area IS NULL THEN RETURN NULL; END IF; -- a new plan has no items yet
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT count(*) INTO touched FROM new_rows;
    SELECT ST_Extent(v.geom)::geometry INTO area FROM (SELECT id FROM new_rows UNION SELECT id FROM old_rows) p
    JOIN plan_items i ON i.plan_id = p.id JOIN plan_item_versions v ON v.item_id = i.id AND v.version = i.published_version;
    IF area IS NULL THEN RETURN NULL; END IF; -- no published item: nothing public changed
  ELSE
    SELECT count(*) INTO touched FROM old_rows;
  END IF;
  IF touched > 0 THEN PERFORM record_layer_change('plan-items', area); END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS clusters_layer_version ON clusters;
DROP TRIGGER IF EXISTS cluster_versions_layer_version ON cluster_versions;
DROP TRIGGER IF EXISTS cluster_review_events_layer_version ON cluster_review_events;
CREATE TRIGGER clusters_layer_change_insert AFTER INSERT ON clusters REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clusters_layer_change();
CREATE TRIGGER clusters_layer_change_update AFTER UPDATE ON clusters REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clusters_layer_change();
CREATE TRIGGER clusters_layer_change_delete AFTER DELETE ON clusters REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clusters_layer_change();
CREATE TRIGGER cluster_versions_layer_change AFTER INSERT ON cluster_versions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cluster_versions_layer_change();
CREATE TRIGGER cluster_review_events_layer_change AFTER INSERT ON cluster_review_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cluster_review_events_layer_change();

-- Residential zones get theirs in sql/044, together with the marking of their tile cells.

DROP TRIGGER IF EXISTS plan_items_layer_version ON plan_items;
DROP TRIGGER IF EXISTS plan_item_versions_layer_version ON plan_item_versions;
DROP TRIGGER IF EXISTS plan_item_review_events_layer_version ON plan_item_review_events;
DROP TRIGGER IF EXISTS plans_layer_version ON plans;
CREATE TRIGGER plan_items_layer_change_insert AFTER INSERT ON plan_items REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_items_layer_change();
CREATE TRIGGER plan_items_layer_change_update AFTER UPDATE ON plan_items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_items_layer_change();
CREATE TRIGGER plan_items_layer_change_delete AFTER DELETE ON plan_items REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_items_layer_change();
CREATE TRIGGER plan_item_versions_layer_change AFTER INSERT ON plan_item_versions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_item_versions_layer_change();
CREATE TRIGGER plan_item_review_events_layer_change AFTER INSERT ON plan_item_review_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_item_review_events_layer_change();
CREATE TRIGGER plans_layer_change_insert AFTER INSERT ON plans REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plans_layer_change();
CREATE TRIGGER plans_layer_change_update AFTER UPDATE ON plans REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plans_layer_change();
CREATE TRIGGER plans_layer_change_delete AFTER DELETE ON plans REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plans_layer_change();
