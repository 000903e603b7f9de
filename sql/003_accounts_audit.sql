-- Accounts, database-backed sessions (so any stateless app instance can serve a request) and the audit trail.
CREATE TABLE users (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('planner', 'reviewer', 'ministry', 'admin')),
  province_code text REFERENCES provinces(code),
  display_name  text,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- planners and reviewers work inside one province; national roles have none
  CHECK ((role IN ('planner', 'reviewer')) = (province_code IS NOT NULL))
);

CREATE TABLE sessions (
  -- sha256 of the cookie token; the raw token never touches the database
  token_hash  text PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users(id),
  csrf_token  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Failed logins, counted per username and per IP for rate limiting across instances.
CREATE TABLE login_failures (
  id         bigserial PRIMARY KEY,
  username   text NOT NULL,
  ip         text NOT NULL,
  failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_username_idx ON login_failures (username, failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, failed_at);

CREATE TABLE audit_log (
  id             bigserial PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  user_id        bigint,
  username       text,
  action         text NOT NULL,
  entity_type    text,
  entity_id      text,
  version_before int,
  version_after  int,
  outcome        text NOT NULL DEFAULT 'ok' CHECK (outcome IN ('ok', 'refused')),
  ip             text,
  details        jsonb
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);

-- Append-only: the database refuses to change or remove audit rows.
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
