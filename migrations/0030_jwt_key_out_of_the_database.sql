-- The JWT signing key leaves the database (issue 15 part 7): it comes from KEEL_JWT_SECRET, else a
-- key file in the data directory (src/core/key-file.ts). Tokens signed with the old key stop working
-- (access tokens last an hour; refresh tokens are not signed and keep working).
DROP TABLE server_secrets;
