-- CreateEnum
CREATE TYPE "platform" AS ENUM ('teams', 'slack');

-- CreateEnum
CREATE TYPE "member_role" AS ENUM ('owner', 'manager', 'operator', 'readonly');

-- CreateEnum
CREATE TYPE "connection_status" AS ENUM ('unverified', 'verified', 'degraded', 'blocked');

-- CreateEnum
CREATE TYPE "run_status" AS ENUM ('queued', 'running', 'succeeded', 'partially_succeeded', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "identity_scope" AS ENUM ('active', 'strict');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "entra_tenant_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_members" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "platform" "platform" NOT NULL,
    "platform_user_id" TEXT NOT NULL,
    "team_id" TEXT NOT NULL DEFAULT '',
    "display_name" TEXT,
    "role" "member_role" NOT NULL,
    "bot_user_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenant_members_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "channel_bindings" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "platform" "platform" NOT NULL,
    "team_id" TEXT NOT NULL DEFAULT '',
    "channel_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "channel_bindings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_connections" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "entra_tenant_id" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "display_name" TEXT,
    "secret_ciphertext" TEXT,
    "secret_key_id" TEXT,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "status" "connection_status" NOT NULL DEFAULT 'unverified',
    "last_verification_run_id" UUID,
    "last_verified_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "operation_runs" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "status" "run_status" NOT NULL DEFAULT 'queued',
    "identity_scope" "identity_scope" NOT NULL,
    "identity_hash" TEXT NOT NULL,
    "identity_inputs" JSONB NOT NULL,
    "context" JSONB NOT NULL DEFAULT '{}',
    "summary" JSONB NOT NULL DEFAULT '{}',
    "failures" JSONB NOT NULL DEFAULT '[]',
    "result" JSONB,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operation_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_messages" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "platform" "platform" NOT NULL,
    "channel_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "conversation" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "run_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "tenant_id" UUID,
    "actor" TEXT NOT NULL,
    "platform" TEXT,
    "platform_user_id" TEXT,
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "target_id" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbound_deliveries" (
    "id" UUID NOT NULL,
    "platform" TEXT NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "run_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_name_key" ON "tenants"("name");

-- CreateIndex
CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "tenants_entra_tenant_id_key" ON "tenants"("entra_tenant_id");

-- CreateIndex
CREATE INDEX "tenant_members_platform_platform_user_id_idx" ON "tenant_members"("platform", "platform_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "tenant_members_identity_key" ON "tenant_members"("tenant_id", "platform", "team_id", "platform_user_id");

-- CreateIndex
CREATE INDEX "channel_bindings_tenant_id_idx" ON "channel_bindings"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "channel_bindings_channel_key" ON "channel_bindings"("platform", "team_id", "channel_id");

-- CreateIndex
CREATE INDEX "provider_connections_tenant_id_idx" ON "provider_connections"("tenant_id");

-- CreateIndex
CREATE INDEX "operation_runs_tenant_id_created_at_idx" ON "operation_runs"("tenant_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "operation_runs_status_type_idx" ON "operation_runs"("status", "type");

-- CreateIndex
CREATE INDEX "run_messages_run_id_idx" ON "run_messages"("run_id");

-- CreateIndex
CREATE UNIQUE INDEX "run_messages_message_key" ON "run_messages"("platform", "channel_id", "message_id");

-- CreateIndex
CREATE INDEX "audit_events_tenant_id_created_at_idx" ON "audit_events"("tenant_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "audit_events_created_at_idx" ON "audit_events"("created_at");

-- CreateIndex
CREATE INDEX "inbound_deliveries_created_at_idx" ON "inbound_deliveries"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "inbound_deliveries_delivery_key" ON "inbound_deliveries"("platform", "delivery_id");

-- AddForeignKey
ALTER TABLE "tenant_members" ADD CONSTRAINT "tenant_members_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "channel_bindings" ADD CONSTRAINT "channel_bindings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_connections" ADD CONSTRAINT "provider_connections_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "operation_runs" ADD CONSTRAINT "operation_runs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_messages" ADD CONSTRAINT "run_messages_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "operation_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
