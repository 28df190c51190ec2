#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job (fullstory -> csv; against the
# FullStory simulator unless FULLSTORY_API_KEY is set).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh --no-tests  # the host, its plugins and the simulator: not the tests
scripts/main-job.sh
