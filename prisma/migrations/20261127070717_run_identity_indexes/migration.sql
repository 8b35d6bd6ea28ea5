-- Partial unique indexes, written by hand: Prisma's schema cannot express them without the
-- partialIndexes preview feature. Later generated migrations leave them alone.

-- One queued/running run per (tenant, type, identity) for identity_scope 'active'.
CREATE UNIQUE INDEX operation_runs_identity_active_key ON operation_runs (tenant_id, type, identity_hash) WHERE identity_scope = 'active' AND status IN ('queued','running');

-- One run ever per (tenant, type, identity) for identity_scope 'strict'.
CREATE UNIQUE INDEX operation_runs_identity_strict_key ON operation_runs (tenant_id, type, identity_hash) WHERE identity_scope = 'strict';

-- At most one default provider connection per tenant.
CREATE UNIQUE INDEX provider_connections_default_key ON provider_connections (tenant_id) WHERE is_default;
