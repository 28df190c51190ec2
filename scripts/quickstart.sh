#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job (fullstory -> csv; against the
# FullStory simulator unless FULLSTORY_API_KEY is set).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
scripts/main-job.sh
