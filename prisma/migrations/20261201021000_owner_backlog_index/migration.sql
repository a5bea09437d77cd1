-- Fair share between API keys: every submission counts its owner's unfinished jobs on its queue (its
-- BullMQ priority). This index answers that count from the index alone, without reading the rows.
CREATE INDEX `jobs_api_key_id_status_type_created_at_idx` ON `jobs`(`api_key_id`, `status`, `type`, `created_at`);
