-- Facilities join the generic review workflow (server/versioning/): like clusters, `head_version` is the latest
-- version in any state and `published_version` the last approved one; review steps are immutable events.
-- Facility data is sensitive: even approved versions are for signed-in staff only (see server/facilities/README.md).
ALTER TABLE facilities ADD COLUMN published_version int;

CREATE TABLE facility_review_events (
  id           bigserial PRIMARY KEY,
  facility_id  uuid NOT NULL,
  version      int  NOT NULL,
  state        text NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'changes_requested')),
  actor_id     bigint REFERENCES users(id),
  comment      text,
  at           timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (facility_id, version) REFERENCES facility_versions(facility_id, version)
);
CREATE INDEX facility_review_events_version_idx ON facility_review_events (facility_id, version, id);

CREATE TRIGGER facility_review_events_immutable BEFORE UPDATE OR DELETE ON facility_review_events
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TABLE facility_comments (
  id           bigserial PRIMARY KEY,
  facility_id  uuid NOT NULL REFERENCES facilities(id),
  version      int,
  author_id    bigint REFERENCES users(id),
  body         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX facility_comments_facility_idx ON facility_comments (facility_id, id);

-- The review state of each version is its latest review event.
CREATE VIEW facility_version_states AS
SELECT DISTINCT ON (e.facility_id, e.version) e.facility_id, e.version, e.state, e.at
FROM facility_review_events e
ORDER BY e.facility_id, e.version, e.id DESC;

-- Versions saved before review existed start as drafts: nothing is published by this migration, so no
-- unreviewed facility becomes visible outside its province.
INSERT INTO facility_review_events (facility_id, version, state, actor_id, comment, at)
SELECT facility_id, version, 'draft', author_id, 'saved before facility review existed (migration 031)', created_at
FROM facility_versions
ORDER BY facility_id, version;
