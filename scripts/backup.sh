#!/usr/bin/env bash
# `make backup`: the database (pg_dump, custom format), the model artifacts and the media files into
# one timestamped folder, backups/<UTC time>/ unless BACKUP_DIR names another. Restore with
# scripts/restore.sh <folder>. Reads DATABASE_URL, MODEL_ROOT and MEDIA_ROOT as Django sees them.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/storage-env.sh

target=${BACKUP_DIR:-backups/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$target"
echo "==> Database -> $target/database.dump"
pg_dump --format=custom --no-owner --file="$target/database.dump"
for part in models:"$model_root" media:"$media_root"; do
  name=${part%%:*} folder=${part#*:}
  mkdir -p "$folder"
  echo "==> ${name^} ($folder) -> $target/$name.tar.gz"
  tar -C "$folder" -czf "$target/$name.tar.gz" .
done
(cd "$target" && sha256sum database.dump models.tar.gz media.tar.gz > SHA256SUMS)
echo "==> Backup complete: $target"
