#!/usr/bin/env bash
# `make restore BACKUP=backups/<time>`: puts back what scripts/backup.sh saved. The checksums are
# verified first, so a damaged backup changes nothing. The database objects are replaced
# (pg_restore --clean); the model and media folders are replaced by the saved ones.
set -euo pipefail
cd "$(dirname "$0")/.."
backup_dir=${1:?usage: scripts/restore.sh BACKUP_FOLDER}
[ -f "$backup_dir/SHA256SUMS" ] || { echo "No backup in $backup_dir (SHA256SUMS is missing)." >&2; exit 1; }
(cd "$backup_dir" && sha256sum --check --quiet SHA256SUMS) || { echo "Backup $backup_dir is damaged; nothing restored." >&2; exit 1; }

source scripts/storage-env.sh

echo "==> Database <- $backup_dir/database.dump"
pg_restore --clean --if-exists --no-owner --single-transaction --dbname="$PGDATABASE" "$backup_dir/database.dump"
for part in models:"$model_root" media:"$media_root"; do
  name=${part%%:*} folder=${part#*:}
  echo "==> ${name^} ($folder) <- $backup_dir/$name.tar.gz"
  staging=$(mktemp -d "${folder%/}.restore.XXXXXX")
  tar -C "$staging" -xzf "$backup_dir/$name.tar.gz"
  rm -rf "$folder" && mv "$staging" "$folder"
done
echo "==> Restore complete from $backup_dir"
