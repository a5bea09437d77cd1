import { DEFAULT_BEST_MODEL_METRIC, DEFAULT_EPOCH_NUM } from '@shelfwise/contracts';

export const USAGE = `Usage: shelfwise <command> [options]

Commands:
  upload <file.csv> [--name NAME]        store a CSV in the dataset bucket; prints its s3:// URI
                                         (NAME: products.csv, or a path like train/products.csv)
  predict <s3-uri> [--wait]              classify every row of a CSV in S3
  train <s3-uri> [--epochs N] [--metric eval_f1|eval_f1_min] [--wait]
                                         train a model version from one CSV
                                         (the API's defaults: ${DEFAULT_EPOCH_NUM} epochs, ${DEFAULT_BEST_MODEL_METRIC})
  train-feedback <s3-prefix> [--epochs N] [--metric M] [--wait]
                                         train from every CSV under a prefix (training + feedback)
  status <job-id>                        a job's status, progress, result or error
  wait <job-id> [--timeout S]            wait until the job ends (exit 0 SUCCEEDED, 1 FAILED/CANCELLED)
  download <job-id> [-o FILE] [--file predictions|feedback|review]
                                         a predict job's predictions (or its feedback or review) CSV,
                                         into FILE or to stdout
  models                                 model versions with their metrics
  promote <version>                      make a READY version the serving one

Options:
  --api URL       the gateway (env SHELFWISE_API; default http://127.0.0.1:$PORT, PORT defaulting to 8000)
  --api-key KEY   the API key, sent as Bearer (env SHELFWISE_API_KEY; prefer the env: argv is visible)
  --json          print the API's JSON answer (for scripts)
  --timeout S     how long --wait / wait waits (default 3600)
  -h, --help      this text

Exit status: 0 ok, 1 job failed or cancelled, 2 usage error, 3 API or network error, 4 wait timed out.
`;
