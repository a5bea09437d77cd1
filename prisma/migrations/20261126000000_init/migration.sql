-- CreateTable
CREATE TABLE `jobs` (
    `id` VARCHAR(36) NOT NULL,
    `type` ENUM('PREDICT_CSV', 'TRAIN_CSV', 'TRAIN_FEEDBACK', 'RETRAIN_SCHEDULED') NOT NULL,
    `status` ENUM('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED') NOT NULL DEFAULT 'QUEUED',
    `input` JSON NOT NULL,
    `output_uri` VARCHAR(1024) NULL,
    `result` JSON NULL,
    `error_code` VARCHAR(64) NULL,
    `error_message` TEXT NULL,
    `progress` DOUBLE NOT NULL DEFAULT 0,
    `attempts` INTEGER NOT NULL DEFAULT 0,
    `model_version_id` INTEGER NULL,
    `idempotency_key` VARCHAR(255) NULL,
    `request_hash` CHAR(64) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,
    `started_at` DATETIME(3) NULL,
    `finished_at` DATETIME(3) NULL,

    UNIQUE INDEX `jobs_idempotency_key_key`(`idempotency_key`),
    INDEX `jobs_status_created_at_idx`(`status`, `created_at`),
    INDEX `jobs_type_status_created_at_idx`(`type`, `status`, `created_at`),
    INDEX `jobs_created_at_idx`(`created_at`),
    INDEX `jobs_model_version_id_idx`(`model_version_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `model_versions` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `version` INTEGER NOT NULL,
    `status` ENUM('READY', 'FAILED') NOT NULL DEFAULT 'READY',
    `stage` ENUM('NONE', 'PRODUCTION', 'ARCHIVED') NOT NULL DEFAULT 'NONE',
    `artifact_uri` VARCHAR(1024) NOT NULL,
    `dataset_uri` VARCHAR(1024) NOT NULL,
    `dataset_hash` CHAR(64) NOT NULL,
    `labels` JSON NOT NULL,
    `metrics` JSON NOT NULL,
    `mlflow_run_id` VARCHAR(64) NULL,
    `training_job_id` VARCHAR(36) NULL,
    `promoted_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `model_versions_version_key`(`version`),
    UNIQUE INDEX `model_versions_training_job_id_key`(`training_job_id`),
    INDEX `model_versions_stage_idx`(`stage`),
    INDEX `model_versions_created_at_idx`(`created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `monitoring_metrics` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `job_id` VARCHAR(36) NOT NULL,
    `model_version_id` INTEGER NOT NULL,
    `weighted_f1` DOUBLE NOT NULL,
    `min_f1` DOUBLE NOT NULL,
    `per_class_f1` JSON NOT NULL,
    `rows` INTEGER NOT NULL,
    `labelled_rows` INTEGER NOT NULL,
    `latency_per_row_ms` DOUBLE NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `monitoring_metrics_job_id_key`(`job_id`),
    INDEX `monitoring_metrics_model_version_id_created_at_idx`(`model_version_id`, `created_at`),
    INDEX `monitoring_metrics_created_at_idx`(`created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `feedback_batches` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `job_id` VARCHAR(36) NOT NULL,
    `s3_uri` VARCHAR(1024) NOT NULL,
    `rows` INTEGER NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `feedback_batches_job_id_key`(`job_id`),
    INDEX `feedback_batches_created_at_idx`(`created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `jobs` ADD CONSTRAINT `jobs_model_version_id_fkey` FOREIGN KEY (`model_version_id`) REFERENCES `model_versions`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `model_versions` ADD CONSTRAINT `model_versions_training_job_id_fkey` FOREIGN KEY (`training_job_id`) REFERENCES `jobs`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `monitoring_metrics` ADD CONSTRAINT `monitoring_metrics_job_id_fkey` FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `monitoring_metrics` ADD CONSTRAINT `monitoring_metrics_model_version_id_fkey` FOREIGN KEY (`model_version_id`) REFERENCES `model_versions`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `feedback_batches` ADD CONSTRAINT `feedback_batches_job_id_fkey` FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
