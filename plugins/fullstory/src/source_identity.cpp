#include "source_identity.h"

#include <openssl/sha.h>

#include "etlhost/plugin.hpp"

namespace fullstory {

std::string source_identity(const SourceConfig& config) {
  if (config.api_key.empty()) return {};
  const std::string base_url = config.base_url.text();
  // The domain tag and the lengths keep this hash apart from any other use of the key, and
  // make ("ab","c") and ("a","bc") different inputs.
  const std::string input = "etlhost fullstory account v1\n" + std::to_string(base_url.size()) + ":" + base_url + "\n" +
                            std::to_string(config.api_key.size()) + ":" + config.api_key;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string account;
  for (int i = 0; i < 8; ++i) {
    account.push_back(kHex[digest[i] >> 4]);
    account.push_back(kHex[digest[i] & 0xf]);
  }
  std::string out = "{\"base_url\":";
  etl::append_json_string(out, base_url);
  out += ",\"account\":\"" + account + "\"}";
  return out;
}

}  // namespace fullstory
