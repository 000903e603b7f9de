-- The 34 provincial units of 1 July 2025 become the working division (issue 14).
-- * communes_2025: the 3,321 commune-level units, loaded by the seed (gis-data/admin/vn-communes-2025.geojson).
-- * Users, imports and clusters are scoped to 2025 units: each 63-province code is mapped to the unit that absorbed it.
--   A cluster keeps its pre-2025 province in province_code_2009 (read-only, for history and the 2020/2025 plan).
-- * cluster_versions gain province_code_2009 and commune_codes, derived from the boundary by a BEFORE INSERT trigger,
--   so every insert path (API, imports, fixtures, generators) records them the same way.

CREATE TABLE communes_2025 (
  code          text PRIMARY KEY CHECK (code ~ '^[0-9]{5}$'),
  name          text NOT NULL,
  short_name    text NOT NULL,
  type          text NOT NULL CHECK (type IN ('xa', 'phuong', 'dac-khu')),
  province_code text NOT NULL REFERENCES provinces_2025(code),
  -- generalised boundary (see gis-data/admin/README.md); null where a source has none
  geom          geometry(MultiPolygon, 4326)
);
CREATE INDEX communes_2025_province_idx ON communes_2025 (province_code);
CREATE INDEX communes_2025_geom_gix ON communes_2025 USING gist (geom);

-- 63-province code -> 2025 unit (Resolution 202/2025/QH15; the merged_from of vn-provinces-34-2025.geojson).
-- A function, not a join on provinces_2025, so the mapping does not depend on the seed having run.
CREATE FUNCTION province_unit_2025(province_2009 text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT m.unit FROM (VALUES
    ('01','01'), ('02','08'), ('04','04'), ('06','19'), ('08','08'), ('10','15'), ('11','11'), ('12','12'), ('14','14'),
    ('15','15'), ('17','25'), ('19','19'), ('20','20'), ('22','22'), ('24','24'), ('25','25'), ('26','25'), ('27','24'),
    ('30','31'), ('31','31'), ('33','33'), ('34','33'), ('35','37'), ('36','37'), ('37','37'), ('38','38'), ('40','40'),
    ('42','42'), ('44','44'), ('45','44'), ('46','46'), ('48','48'), ('49','48'), ('51','51'), ('52','52'), ('54','66'),
    ('56','56'), ('58','56'), ('60','68'), ('62','51'), ('64','52'), ('66','66'), ('67','68'), ('68','68'), ('70','75'),
    ('72','80'), ('74','79'), ('75','75'), ('77','79'), ('79','79'), ('80','80'), ('82','82'), ('83','86'), ('84','86'),
    ('86','86'), ('87','82'), ('89','91'), ('91','91'), ('92','92'), ('93','92'), ('94','92'), ('95','96'), ('96','96')
  ) AS m(old, unit) WHERE m.old = province_2009
$$;

-- Nothing may be left unmapped: refuse the migration rather than drop a scope.
DO $$
DECLARE bad text;
BEGIN
  SELECT string_agg(DISTINCT x.code, ', ') INTO bad FROM (
    SELECT province_code AS code FROM users WHERE province_code IS NOT NULL
    UNION ALL SELECT province_code FROM clusters
    UNION ALL SELECT province_code FROM imports WHERE province_code IS NOT NULL
  ) x WHERE province_unit_2025(x.code) IS NULL;
  IF bad IS NOT NULL THEN RAISE EXCEPTION 'province codes without a 2025 unit: %', bad; END IF;
END $$;

-- users: the old-province scope becomes the unit that absorbed it; each change is audited.
INSERT INTO audit_log (action, entity_type, entity_id, username, details)
SELECT 'user.scope-2025', 'user', u.id::text, u.username,
       jsonb_build_object('province_code_2009', u.province_code, 'province_code', province_unit_2025(u.province_code), 'migration', '070_division_2025')
FROM users u WHERE u.province_code IS NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_province_code_fkey;
UPDATE users SET province_code = province_unit_2025(province_code) WHERE province_code IS NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_province_code_fkey FOREIGN KEY (province_code) REFERENCES provinces_2025(code);

-- imports are scoped like their planner
ALTER TABLE imports DROP CONSTRAINT imports_province_code_fkey;
UPDATE imports SET province_code = province_unit_2025(province_code) WHERE province_code IS NOT NULL;
ALTER TABLE imports ADD CONSTRAINT imports_province_code_fkey FOREIGN KEY (province_code) REFERENCES provinces_2025(code);
-- the features of cluster imports become clusters with a 2025 unit; other layers keep their 63-province codes
UPDATE import_features f SET province_code = province_unit_2025(f.province_code)
FROM imports i WHERE i.id = f.import_id AND i.layer = 'clusters' AND province_unit_2025(f.province_code) IS NOT NULL;

-- clusters: province_code is the 2025 unit, province_code_2009 the old province
ALTER TABLE clusters ADD COLUMN province_code_2009 text REFERENCES provinces(code);
UPDATE clusters SET province_code_2009 = province_code;
ALTER TABLE clusters DROP CONSTRAINT clusters_province_code_fkey;
UPDATE clusters SET province_code = province_unit_2025(province_code);
ALTER TABLE clusters ADD CONSTRAINT clusters_province_code_fkey FOREIGN KEY (province_code) REFERENCES provinces_2025(code);
CREATE INDEX clusters_province_2009_idx ON clusters (province_code_2009);

-- The communes a boundary (or point) lies in: every 2025 commune holding at least 1% of the area, largest first;
-- a geometry in no commune (the sea, a gap between generalised communes) gets the nearest within ~1 km.
-- (an invalid geometry — stored versions may be — is measured as ST_MakeValid repairs it)
CREATE FUNCTION commune_codes_2025(g0 geometry) RETURNS text[] LANGUAGE sql STABLE AS $$
  WITH v AS (SELECT CASE WHEN ST_IsValid(g0) THEN g0 ELSE ST_MakeValid(g0) END AS g),
  hits AS (
    SELECT c.code, CASE WHEN ST_Dimension(v.g) = 2 THEN ST_Area(ST_Intersection(c.geom, v.g)) ELSE 1 END AS share
    FROM communes_2025 c, v WHERE c.geom && v.g AND ST_Intersects(c.geom, v.g)
  ),
  total AS (SELECT coalesce(sum(share), 0) AS s FROM hits)
  SELECT coalesce(
    (SELECT array_agg(h.code ORDER BY h.share DESC, h.code) FROM hits h, total t WHERE h.share > 0 AND h.share >= 0.01 * t.s),
    (SELECT array_agg(n.code) FROM (
       SELECT c.code FROM communes_2025 c, v WHERE c.geom && ST_Expand(v.g, 0.01)
       ORDER BY ST_Distance(c.geom, v.g), c.code LIMIT 1) n),
    '{}'::text[])
$$;

-- The 2009 province of a geometry recorded in a 2025 unit: the old province of that unit holding most of it
-- (the nearest one when it lies just outside); for a unit without old provinces, any old province holding most of it.
CREATE FUNCTION province_2009_of(g0 geometry, unit text) RETURNS text LANGUAGE sql STABLE AS $$
  WITH v AS (SELECT CASE WHEN ST_IsValid(g0) THEN g0 ELSE ST_MakeValid(g0) END AS g)
  SELECT coalesce(
    (SELECT p.code FROM provinces p, v
      WHERE province_unit_2025(p.code) = unit
      ORDER BY (p.geom && v.g AND ST_Intersects(p.geom, v.g)) DESC,
               CASE WHEN ST_Dimension(v.g) = 2 AND p.geom && v.g THEN ST_Area(ST_Intersection(p.geom, v.g)) ELSE 0 END DESC,
               ST_Distance(p.geom, v.g), p.code
      LIMIT 1),
    (SELECT p.code FROM provinces p, v WHERE p.geom && v.g AND ST_Intersects(p.geom, v.g)
      ORDER BY CASE WHEN ST_Dimension(v.g) = 2 THEN ST_Area(ST_Intersection(p.geom, v.g)) ELSE 0 END DESC, p.code LIMIT 1))
  FROM v
$$;

ALTER TABLE cluster_versions ADD COLUMN province_code_2009 text REFERENCES provinces(code);
ALTER TABLE cluster_versions ADD COLUMN commune_codes text[];
CREATE INDEX cluster_versions_province_2009_idx ON cluster_versions (province_code_2009);
CREATE INDEX cluster_versions_commune_codes_gin ON cluster_versions USING gin (commune_codes);

-- existing versions: the same mapping (their stored province was checked against the boundary when saved)
ALTER TABLE cluster_versions DISABLE TRIGGER cluster_versions_immutable;
ALTER TABLE cluster_versions DROP CONSTRAINT cluster_versions_province_code_fkey;
UPDATE cluster_versions SET province_code_2009 = province_code, province_code = province_unit_2025(province_code);
ALTER TABLE cluster_versions ADD CONSTRAINT cluster_versions_province_code_fkey FOREIGN KEY (province_code) REFERENCES provinces_2025(code);
ALTER TABLE cluster_versions ENABLE TRIGGER cluster_versions_immutable;

-- Versions stay immutable, with one exception: commune_codes may be filled once (null -> value), when the commune
-- layer is loaded after versions already exist (seed: communes-2025-v1).
CREATE FUNCTION cluster_versions_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.commune_codes IS NULL AND NEW.commune_codes IS NOT NULL
     -- (name_search is generated: not yet computed in NEW during a BEFORE trigger)
     AND (to_jsonb(NEW) - 'commune_codes' - 'name_search') = (to_jsonb(OLD) - 'commune_codes' - 'name_search') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is immutable', TG_TABLE_NAME;
END $$;
DROP TRIGGER cluster_versions_immutable ON cluster_versions;
CREATE TRIGGER cluster_versions_immutable BEFORE UPDATE OR DELETE ON cluster_versions
  FOR EACH ROW EXECUTE FUNCTION cluster_versions_forbid_change();

-- Derived once, on insert, from the boundary: never trusted from the client.
CREATE FUNCTION cluster_versions_derive_division() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.province_code_2009 IS NULL THEN
    NEW.province_code_2009 := province_2009_of(NEW.geom, NEW.province_code);
  END IF;
  IF NEW.commune_codes IS NULL AND EXISTS (SELECT 1 FROM communes_2025 LIMIT 1) THEN
    NEW.commune_codes := commune_codes_2025(NEW.geom);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER cluster_versions_derive_division BEFORE INSERT ON cluster_versions
  FOR EACH ROW EXECUTE FUNCTION cluster_versions_derive_division();

-- The cluster's old province is that of its first version (kept read-only afterwards).
CREATE FUNCTION clusters_keep_province_2009() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE clusters SET province_code_2009 = NEW.province_code_2009
  WHERE id = NEW.cluster_id AND province_code_2009 IS NULL AND NEW.province_code_2009 IS NOT NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER cluster_versions_keep_province_2009 AFTER INSERT ON cluster_versions
  FOR EACH ROW EXECUTE FUNCTION clusters_keep_province_2009();
