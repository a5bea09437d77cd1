-- AlterTable
ALTER TABLE `jobs` ADD COLUMN `run_token` CHAR(36) NULL,
    ADD COLUMN `lease_until` DATETIME(3) NULL,
    ADD COLUMN `input_versions` JSON NULL;
