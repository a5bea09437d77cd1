-- An Idempotency-Key belongs to the API key that sent it: the same key from another client is another
-- request. The scope is the submitting key's id ('env-admin' for ADMIN_API_KEY and the development key, whose
-- jobs have no api_key_id), so it is never NULL where a key is set and the unique index decides every race.
ALTER TABLE `jobs` ADD COLUMN `idempotency_scope` VARCHAR(32) NULL;

UPDATE `jobs` SET `idempotency_scope` = COALESCE(`api_key_id`, 'env-admin') WHERE `idempotency_key` IS NOT NULL;

DROP INDEX `jobs_idempotency_key_key` ON `jobs`;

CREATE UNIQUE INDEX `jobs_idempotency_scope_idempotency_key_key` ON `jobs`(`idempotency_scope`, `idempotency_key`);
