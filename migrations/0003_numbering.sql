-- Document numbers are handed out in blocks by a short transaction of their own; a block
-- reserved by a process that dies leaves a gap, which is allowed.
CREATE TABLE document_sequences (
  tenant_id  uuid NOT NULL REFERENCES tenants (id),
  kind       text NOT NULL,
  next_value bigint NOT NULL,
  PRIMARY KEY (tenant_id, kind)
);
