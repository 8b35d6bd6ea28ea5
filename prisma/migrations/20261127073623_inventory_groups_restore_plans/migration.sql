-- AlterTable
ALTER TABLE "restore_runs" ADD COLUMN     "counts" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "executed_at" TIMESTAMPTZ(3),
ADD COLUMN     "inventory_run_id" UUID,
ADD COLUMN     "previewed_at" TIMESTAMPTZ(3),
ADD COLUMN     "results" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'previewing';

-- CreateTable
CREATE TABLE "inventory_items" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "family" TEXT NOT NULL,
    "graph_id" TEXT NOT NULL,
    "odata_type" TEXT,
    "display_name" TEXT,
    "platform_type" TEXT,
    "priority" INTEGER,
    "payload" JSONB NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "assignments" JSONB NOT NULL DEFAULT '[]',
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_run_id" UUID,
    "removed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "inventory_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "directory_groups" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "group_id" TEXT NOT NULL,
    "display_name" TEXT,
    "mail" TEXT,
    "security_enabled" BOOLEAN,
    "group_types" TEXT[],
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "removed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "directory_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_cursors" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "resource" TEXT NOT NULL,
    "cursor" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sync_cursors_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "inventory_items_tenant_id_family_display_name_idx" ON "inventory_items"("tenant_id", "family", "display_name");

-- CreateIndex
CREATE UNIQUE INDEX "inventory_items_item_key" ON "inventory_items"("tenant_id", "family", "graph_id");

-- CreateIndex
CREATE INDEX "directory_groups_tenant_id_display_name_idx" ON "directory_groups"("tenant_id", "display_name");

-- CreateIndex
CREATE UNIQUE INDEX "directory_groups_group_key" ON "directory_groups"("tenant_id", "group_id");

-- CreateIndex
CREATE UNIQUE INDEX "sync_cursors_resource_key" ON "sync_cursors"("tenant_id", "resource");

-- AddForeignKey
ALTER TABLE "inventory_items" ADD CONSTRAINT "inventory_items_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_groups" ADD CONSTRAINT "directory_groups_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_cursors" ADD CONSTRAINT "sync_cursors_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
