-- A data version per public layer, bumped in the same transaction as any write that can change the layer.
-- Tile and feature ETags are derived from it, so every app instance sees a new ETag the moment a change
-- commits (no in-memory cache to invalidate, no restart), and a 304 costs one indexed lookup.
CREATE TABLE layer_versions (
  layer      text PRIMARY KEY,
  version    bigint NOT NULL DEFAULT 1,
  changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION bump_layer_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO layer_versions AS l (layer, version, changed_at) VALUES (TG_ARGV[0], 1, now())
  ON CONFLICT (layer) DO UPDATE SET version = l.version + 1, changed_at = now();
  RETURN NULL;
END $$;

INSERT INTO layer_versions (layer) VALUES ('clusters'), ('provinces'), ('regions');

-- Statement-level: one bump per statement however many rows it touches (bulk imports stay cheap).
-- The public clusters layer depends on the pointer table, the versions and the review events.
CREATE TRIGGER clusters_layer_version AFTER INSERT OR UPDATE OR DELETE ON clusters
  FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version('clusters');
CREATE TRIGGER cluster_versions_layer_version AFTER INSERT ON cluster_versions
  FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version('clusters');
CREATE TRIGGER cluster_review_events_layer_version AFTER INSERT ON cluster_review_events
  FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version('clusters');
CREATE TRIGGER provinces_layer_version AFTER INSERT OR UPDATE OR DELETE ON provinces
  FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version('provinces');
CREATE TRIGGER provinces_regions_layer_version AFTER INSERT OR UPDATE OR DELETE ON provinces
  FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version('regions');
CREATE TRIGGER regions_layer_version AFTER INSERT OR UPDATE OR DELETE ON regions
  FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version('regions');

-- Layers whose tables belong to other areas (analysis 010-019, plans 020-029) get their triggers when
-- those tables exist. Where they do not, the server falls back to a content-hash ETag, which is
-- always correct, only dearer.
DO $$
BEGIN
  IF to_regclass('residential_zones') IS NOT NULL THEN
    INSERT INTO layer_versions (layer) VALUES ('residential-zones') ON CONFLICT DO NOTHING;
    EXECUTE 'CREATE TRIGGER residential_zones_layer_version AFTER INSERT OR UPDATE OR DELETE ON residential_zones
             FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version(''residential-zones'')';
  END IF;
  IF to_regclass('plan_items') IS NOT NULL THEN
    INSERT INTO layer_versions (layer) VALUES ('plan-items') ON CONFLICT DO NOTHING;
    EXECUTE 'CREATE TRIGGER plan_items_layer_version AFTER INSERT OR UPDATE OR DELETE ON plan_items
             FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version(''plan-items'')';
    IF to_regclass('plan_item_versions') IS NOT NULL THEN
      EXECUTE 'CREATE TRIGGER plan_item_versions_layer_version AFTER INSERT ON plan_item_versions
               FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version(''plan-items'')';
    END IF;
    IF to_regclass('plan_item_review_events') IS NOT NULL THEN
      EXECUTE 'CREATE TRIGGER plan_item_review_events_layer_version AFTER INSERT ON plan_item_review_events
               FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version(''plan-items'')';
    END IF;
    IF to_regclass('plans') IS NOT NULL THEN
      EXECUTE 'CREATE TRIGGER plans_layer_version AFTER INSERT OR UPDATE OR DELETE ON plans
               FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version(''plan-items'')';
    END IF;
  END IF;
END $$;
