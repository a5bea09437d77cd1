-- The slices of a chunked predict job: planned once, each done by any inference worker, assembled by the job.
CREATE TABLE `predict_chunks` (
    `job_id` VARCHAR(36) NOT NULL,
    `chunk_index` INTEGER NOT NULL,
    `start_byte` BIGINT NOT NULL,
    `end_byte` BIGINT NOT NULL,
    `first_row` INTEGER NOT NULL,
    `rows` INTEGER NOT NULL,
    `done_rows` INTEGER NOT NULL DEFAULT 0,
    `result` JSON NULL,
    `done_at` DATETIME(3) NULL,

    PRIMARY KEY (`job_id`, `chunk_index`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `predict_chunks` ADD CONSTRAINT `predict_chunks_job_id_fkey` FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
