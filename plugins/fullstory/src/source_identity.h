// The source's identity (etl_source_api.identity): which API and which account a state
// belongs to, so a bookmark taken against the simulator or another account is never
// resumed here. The account is a fingerprint of the api key: never the key, nor anything
// it can be recovered from.
#pragma once

#include <string>

#include "source_config.h"

namespace fullstory {

/// {"base_url":"<base_url as configured, canonical>","account":"<16 hex digits>"}: the
/// account is the first 64 bits of SHA-256 over a domain-separated string of the base_url
/// and the key. Empty when there is no key (discover): no account to name.
std::string source_identity(const SourceConfig& config);

}  // namespace fullstory
