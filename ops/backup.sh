#!/usr/bin/env bash
# Back up fieldcase into a new dated folder: the database first, then the local evidence
# folder, then a checksum manifest (written last: a folder without one is incomplete).
# docs/BACKUP.md explains the order and the restore.
#
#   ops/backup.sh /srv/backups/fieldcase      # prints the folder it wrote
#
# It reads the app's settings: DATABASE_URL (PostgreSQL, or SQLite: the default is the
# embedded instance/fieldcase.db), FIELDCASE_MEDIA_ROOT (default instance/media) and
# FIELDCASE_EVIDENCE_STORE (s3://...: the bucket is mirrored separately, see docs/BACKUP.md).
# Needs pg_dump or sqlite3, and rsync (else cp).
set -euo pipefail
umask 077 # photos and personal data

root=$(cd "$(dirname "$0")/.." && pwd)
url=${DATABASE_URL:-${FIELDCASE_DATABASE_URL:-sqlite:///$root/instance/fieldcase.db}}
media=${FIELDCASE_MEDIA_ROOT:-$root/instance/media}
store=${FIELDCASE_EVIDENCE_STORE:-}

mkdir -p "${1:?usage: ops/backup.sh DEST_DIR}"
dest_root=$(cd "$1" && pwd)
previous="" # the newest complete backup: unchanged photos are hard links to it
for dir in "$dest_root"/fieldcase-*/; do
  if [[ -f $dir/SHA256SUMS && -d $dir/media ]]; then previous=${dir%/}; fi
done
dest=$dest_root/fieldcase-$(date -u +%Y%m%dT%H%M%SZ)
mkdir "$dest"

# 1. The database: a consistent snapshot, taken while the app runs.
case $url in
  postgres://* | postgresql://* | postgresql+psycopg://*)
    pg_dump --format=custom --file="$dest/database.dump" "postgresql://${url#*://}"
    ;;
  sqlite:///*)
    if [[ $dest == *"'"* ]]; then
      echo "backup.sh: no quote in DEST_DIR, please" >&2
      exit 2
    fi
    sqlite3 "${url#sqlite:///}" ".backup '$dest/fieldcase.db'"
    ;;
  *)
    echo "backup.sh: do not know how to back up ${url%%:*} databases" >&2
    exit 2
    ;;
esac

# 2. The evidence files, after the dump: the store only ever gains files, so every file the
#    dump names is there now.
if [[ $store == s3://* ]]; then
  echo "backup.sh: the evidence store is $store: mirror it now (docs/BACKUP.md)" >&2
elif [[ -d $media ]]; then
  if command -v rsync >/dev/null; then
    link=()
    if [[ -n $previous ]]; then link=(--link-dest="$previous/media"); fi
    rsync -a --exclude='.incoming-*' "${link[@]}" "$media/" "$dest/media/"
  else
    cp -a "$media" "$dest/media"
  fi
fi

# 3. The manifest: `sha256sum -c SHA256SUMS` in the folder checks the backup itself.
(cd "$dest" && find . -type f ! -name 'SHA256SUMS*' -print0 | sort -z |
  xargs -0 -r sha256sum) >"$dest/SHA256SUMS.partial"
mv "$dest/SHA256SUMS.partial" "$dest/SHA256SUMS"
echo "$dest"
