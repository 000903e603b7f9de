-- Accent-insensitive name search without the unaccent extension (PGlite lacks it): a stored, generated
-- column folds Vietnamese letters to ASCII and lower case. server/clusters/search-text.ts folds `q` the
-- same way (NFD, strip marks, đ→d, lower) and a test checks both agree on every Vietnamese letter.
-- Generated, so every insert path (API, fixtures, imports, generators) fills it; adding it does not fire
-- the immutability trigger.
ALTER TABLE cluster_versions ADD COLUMN name_search text GENERATED ALWAYS AS (
  lower(translate(
    regexp_replace(name, '[\u0300-\u036f]', '', 'g'),
    'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ',
    'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyydAAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD'
  ))
) STORED;

-- The review queue and list look up the head state of many clusters at once.
CREATE INDEX cluster_review_events_state_idx ON cluster_review_events (state, cluster_id, version);
CREATE INDEX clusters_head_idx ON clusters (id, head_version, published_version);
