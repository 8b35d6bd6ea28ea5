-- CreateEnum
CREATE TYPE "backup_schedule_run_status" AS ENUM ('queued', 'running', 'succeeded', 'partially_succeeded', 'failed', 'skipped');

-- CreateTable
CREATE TABLE "backup_schedule_runs" (
    "id" UUID NOT NULL,
    "backup_schedule_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "scheduled_for" TIMESTAMPTZ(3) NOT NULL,
    "operation_run_id" UUID,
    "backup_set_id" UUID,
    "status" "backup_schedule_run_status" NOT NULL,
    "retry_of" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "backup_schedule_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_items" (
    "id" UUID NOT NULL,
    "backup_set_id" UUID NOT NULL,
    "family" TEXT NOT NULL,
    "graph_id" TEXT NOT NULL,
    "odata_type" TEXT,
    "display_name" TEXT,
    "payload" JSONB NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "assignments" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_items_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "backup_schedule_runs_operation_run_id_key" ON "backup_schedule_runs"("operation_run_id");

-- CreateIndex
CREATE INDEX "backup_schedule_runs_backup_schedule_id_scheduled_for_idx" ON "backup_schedule_runs"("backup_schedule_id", "scheduled_for" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "backup_items_item_key" ON "backup_items"("backup_set_id", "family", "graph_id");

-- CreateIndex
CREATE INDEX "backup_schedules_enabled_next_slot_at_idx" ON "backup_schedules"("enabled", "next_slot_at");

-- AddForeignKey
ALTER TABLE "backup_schedule_runs" ADD CONSTRAINT "backup_schedule_runs_backup_schedule_id_fkey" FOREIGN KEY ("backup_schedule_id") REFERENCES "backup_schedules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_items" ADD CONSTRAINT "backup_items_backup_set_id_fkey" FOREIGN KEY ("backup_set_id") REFERENCES "backup_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One row per scheduled slot, whatever number of schedulers race for it (raw SQL: partial index).
CREATE UNIQUE INDEX "backup_schedule_runs_slot_key" ON "backup_schedule_runs" ("backup_schedule_id", "scheduled_for") WHERE "kind" = 'scheduled';
