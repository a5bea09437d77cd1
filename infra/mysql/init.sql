-- MLflow keeps its tracking data in a database of its own beside shelfwise's.
CREATE DATABASE IF NOT EXISTS mlflow CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
