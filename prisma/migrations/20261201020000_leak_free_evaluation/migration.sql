-- AlterTable: the automatic promotion decision of a model version (comparison, decision, reason).
ALTER TABLE `model_versions` ADD COLUMN `promotion` JSON NULL;

-- AlterTable: what a running job reported so far (a training job: its epochs, then the promotion decision).
ALTER TABLE `jobs` ADD COLUMN `report` JSON NULL;

-- AlterTable: feedback rows the scoring model trained on are counted apart and left out of the F1, which is
-- null when every labelled row was seen.
ALTER TABLE `monitoring_metrics` ADD COLUMN `seen_rows` INTEGER NULL,
    MODIFY `weighted_f1` DOUBLE NULL,
    MODIFY `min_f1` DOUBLE NULL;

-- CreateTable
CREATE TABLE `shadow_scores` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `job_id` VARCHAR(36) NOT NULL,
    `model_version_id` INTEGER NOT NULL,
    `weighted_f1` DOUBLE NULL,
    `min_f1` DOUBLE NULL,
    `scored_rows` INTEGER NOT NULL,
    `seen_rows` INTEGER NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `shadow_scores_job_id_model_version_id_key`(`job_id`, `model_version_id`),
    INDEX `shadow_scores_model_version_id_created_at_idx`(`model_version_id`, `created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `shadow_scores` ADD CONSTRAINT `shadow_scores_job_id_fkey` FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `shadow_scores` ADD CONSTRAINT `shadow_scores_model_version_id_fkey` FOREIGN KEY (`model_version_id`) REFERENCES `model_versions`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
