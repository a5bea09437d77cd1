-- What an admin let a client key read besides its own uploads and outputs: a prefix of the dataset bucket.
-- VARCHAR(700): key id and prefix together stay within InnoDB's 3072-byte index limit in utf8mb4.
CREATE TABLE `input_grants` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `api_key_id` VARCHAR(32) NOT NULL,
    `prefix_uri` VARCHAR(700) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `input_grants_api_key_id_prefix_uri_key`(`api_key_id`, `prefix_uri`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
