-- CreateTable
CREATE TABLE "backup_schedules" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cron_expression" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "families" TEXT[],
    "retention_count" INTEGER NOT NULL DEFAULT 7,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "next_slot_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "backup_schedules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_sets" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "backup_schedule_id" UUID,
    "operation_run_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'complete',
    "families" TEXT[],
    "item_count" INTEGER NOT NULL DEFAULT 0,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_sets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "restore_runs" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "backup_set_id" UUID NOT NULL,
    "preview_run_id" UUID,
    "execute_run_id" UUID,
    "selection" JSONB NOT NULL DEFAULT '{}',
    "plan" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "restore_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "backup_schedules_name_key" ON "backup_schedules"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "backup_sets_tenant_id_created_at_idx" ON "backup_sets"("tenant_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "restore_runs_tenant_id_idx" ON "restore_runs"("tenant_id");

-- AddForeignKey
ALTER TABLE "backup_schedules" ADD CONSTRAINT "backup_schedules_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_sets" ADD CONSTRAINT "backup_sets_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "restore_runs" ADD CONSTRAINT "restore_runs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "restore_runs" ADD CONSTRAINT "restore_runs_backup_set_id_fkey" FOREIGN KEY ("backup_set_id") REFERENCES "backup_sets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
