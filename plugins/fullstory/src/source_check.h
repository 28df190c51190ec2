// source_check.h: `etlhost check fullstory`: one export/list from start_date, the cheapest
// request that proves the address, TLS, the API key and the Data Export entitlement at once;
// under export_api segment_export, one GET /operations/v1?limit=1 (address, TLS, key).
#pragma once

#include "etlhost/plugin.hpp"
#include "source_config.h"
#include "tls_context.h"

namespace fullstory {

/// A copy of `config` whose retries of transient failures (5xx, 429, resets, refusals) wait
/// seconds, not the run's budget of minutes: a check answers now. Permanent failures fail at
/// once anyway.
SourceConfig config_for_check(const SourceConfig& config);

/// Lists one page and logs at INFO what that proved. Throws the etl::Error sync() would meet:
/// 401 ETL_E_UNAUTHENTICATED (the key), 403 ETL_E_PERMISSION_DENIED (the key's role or the
/// add-on), 404 ETL_E_NOT_FOUND (no Data Export, or a wrong base_url), ETL_E_IO for an
/// unknown host, a TLS failure or a refused connection (export_api.h, http_client.h).
/// `config` must be a config_for_check() copy that outlives the call.
void check_export_access(const SourceConfig& config, const TlsContext* tls, const etl::Host& host);

}  // namespace fullstory
