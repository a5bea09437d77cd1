-- AlterTable
ALTER TABLE `jobs` ADD COLUMN `api_key_id` VARCHAR(32) NULL;

-- CreateTable
CREATE TABLE `api_keys` (
    `id` VARCHAR(32) NOT NULL,
    `name` VARCHAR(128) NOT NULL,
    `role` ENUM('CLIENT', 'ADMIN') NOT NULL,
    `hash` CHAR(64) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `revoked_at` DATETIME(3) NULL,
    `last_used_at` DATETIME(3) NULL,

    UNIQUE INDEX `api_keys_hash_key`(`hash`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateIndex
CREATE INDEX `jobs_api_key_id_created_at_idx` ON `jobs`(`api_key_id`, `created_at`);
