-- AlterTable
ALTER TABLE `model_versions` MODIFY `status` ENUM('PENDING', 'READY', 'FAILED') NOT NULL DEFAULT 'PENDING';
