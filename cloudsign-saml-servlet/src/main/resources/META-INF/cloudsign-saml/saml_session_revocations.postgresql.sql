-- cloudsign-saml: sessions ended by IdP-initiated logout, shared by every node (PostgreSQL 14 or
-- later); read by JdbcSessionRevocations.
-- One row per (registration, NameID) for "every session of the user", and per (registration,
-- NameID, SessionIndex) for one session. revocation_key is the SHA-256 (hex) of those values,
-- length-prefixed, so a NameID cannot be chosen to collide with another user's row.
-- revoked_at: sessions signed in at or before it are ended (epoch ms, the latest logout kept).
-- expires_at: when the row may be deleted (revoked_at + retention, epoch ms).
-- Idempotent: safe to run at every start or from a migration tool. Statements are separated by
-- blank lines (JdbcSessionRevocations.createSchema runs them one by one).

CREATE TABLE IF NOT EXISTS saml_session_revocations (
  revocation_key CHAR(64) PRIMARY KEY,
  revoked_at     BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL
);

-- Expired rows are deleted in small batches by expiry, never by a full scan.
CREATE INDEX IF NOT EXISTS saml_session_revocations_expires_at
  ON saml_session_revocations (expires_at);
