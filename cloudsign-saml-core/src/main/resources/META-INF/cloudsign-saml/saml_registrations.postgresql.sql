-- cloudsign-saml: the table of customer tenants' registrations (PostgreSQL 14 or later).
-- One row per tenant: what the tenant's admin enters in Entra's Basic SAML Configuration
-- (logout_url, Entra's Logout Url, may be NULL: no single logout for that tenant),
-- and Entra's metadata, stored (metadata_xml) or referenced (metadata_url), exactly one of them.
-- URLs are checked when a node builds the tenant's registration, not here.
-- Idempotent: safe to run at every start or from a migration tool, and it upgrades a table created
-- by an earlier version (ALTER TABLE ... ADD COLUMN IF NOT EXISTS). Statements are separated by
-- blank lines (JdbcRegistrationRepository.createSchema runs them one by one).

CREATE TABLE IF NOT EXISTS saml_registrations (
  id             VARCHAR(64) PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._~-]{1,64}$'),
  entity_id      TEXT NOT NULL,
  reply_url      TEXT NOT NULL,
  sign_on_url    TEXT,
  logout_url     TEXT,
  metadata_xml   TEXT,
  metadata_url   TEXT,
  version        BIGINT NOT NULL DEFAULT 1,
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  reply_url_host TEXT GENERATED ALWAYS AS
                   (lower(substring(reply_url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?(\[[^]]*\]|[^/?#:]*)'))) STORED,
  reply_url_path TEXT GENERATED ALWAYS AS
                   (coalesce(nullif(substring(reply_url from '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([^?#]*)'), ''), '/')) STORED,
  CONSTRAINT saml_registrations_one_metadata CHECK ((metadata_xml IS NULL) <> (metadata_url IS NULL))
);

-- Added after the first version: a table created before gets the column here.
ALTER TABLE saml_registrations ADD COLUMN IF NOT EXISTS logout_url TEXT;

CREATE INDEX IF NOT EXISTS saml_registrations_reply_url_host ON saml_registrations (reply_url_host);

CREATE INDEX IF NOT EXISTS saml_registrations_reply_url_path ON saml_registrations (reply_url_path);

-- Every UPDATE (also one typed by hand) gives the row a new version: nodes compare versions to
-- learn that their copy of a tenant is stale.
CREATE OR REPLACE FUNCTION saml_registrations_new_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER saml_registrations_new_version BEFORE UPDATE ON saml_registrations
  FOR EACH ROW EXECUTE FUNCTION saml_registrations_new_version();
