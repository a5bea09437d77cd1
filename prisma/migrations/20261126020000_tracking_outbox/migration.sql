-- AlterTable
ALTER TABLE `jobs` ADD COLUMN `tracking` ENUM('DISABLED', 'PENDING', 'SENT', 'FAILED') NULL;

-- CreateTable
CREATE TABLE `tracking_outbox` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `kind` ENUM('TRAINING_RUN', 'MONITORING_RUN', 'MONITORING_METRICS', 'PRODUCTION_ALIAS') NOT NULL,
    `dedupe_key` VARCHAR(191) NOT NULL,
    `job_id` VARCHAR(36) NULL,
    `model_version_id` INTEGER NULL,
    `payload` JSON NOT NULL,
    `progress` JSON NULL,
    `mlflow_run_id` VARCHAR(64) NULL,
    `status` ENUM('PENDING', 'SENT', 'FAILED') NOT NULL DEFAULT 'PENDING',
    `attempts` INTEGER NOT NULL DEFAULT 0,
    `last_error` TEXT NULL,
    `next_attempt_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `claimed_by` VARCHAR(64) NULL,
    `claimed_until` DATETIME(3) NULL,
    `sent_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `tracking_outbox_dedupe_key_key`(`dedupe_key`),
    INDEX `tracking_outbox_status_next_attempt_at_idx`(`status`, `next_attempt_at`),
    INDEX `tracking_outbox_claimed_by_idx`(`claimed_by`),
    INDEX `tracking_outbox_job_id_idx`(`job_id`),
    INDEX `tracking_outbox_model_version_id_kind_idx`(`model_version_id`, `kind`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `tracking_outbox` ADD CONSTRAINT `tracking_outbox_job_id_fkey` FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `tracking_outbox` ADD CONSTRAINT `tracking_outbox_model_version_id_fkey` FOREIGN KEY (`model_version_id`) REFERENCES `model_versions`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;
