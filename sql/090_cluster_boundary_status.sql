-- Point-only and provisional clusters (issue 17). A cluster may be known only by a location point and a
-- declared area (boundary_status 'none'), or have an approximate boundary ('provisional', drawn dashed).
-- Versions stay immutable: the geometry column is widened in place (a rewrite, no row trigger fires) and
-- the new column's default makes every existing version 'surveyed'.
ALTER TABLE cluster_versions ALTER COLUMN geom TYPE geometry(Geometry, 4326);
ALTER TABLE cluster_versions ADD CONSTRAINT cluster_versions_geom_type CHECK (GeometryType(geom) IN ('MULTIPOLYGON', 'POINT'));
ALTER TABLE cluster_versions ADD COLUMN boundary_status text NOT NULL DEFAULT 'surveyed'
  CHECK (boundary_status IN ('none', 'provisional', 'surveyed'));
-- a Point is exactly a cluster without a boundary
ALTER TABLE cluster_versions ADD CONSTRAINT cluster_versions_point_has_no_boundary
  CHECK ((GeometryType(geom) = 'POINT') = (boundary_status = 'none'));
