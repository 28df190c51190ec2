#include "signed_url.h"

#include <random>

#include "hex_text.h"
#include "splitmix64.h"

namespace fssim {

namespace {

// A keyed hash good enough for a test double (not a real MAC): every byte of the message
// goes through the bijective mix with the key folded in.
std::uint64_t keyed_hash(std::uint64_t key, std::string_view message) {
  std::uint64_t h = mix64(key);
  for (unsigned char c : message) h = mix64(h ^ c ^ key);
  return mix64(h ^ message.size());
}

}  // namespace

UrlSigner::UrlSigner() {
  std::random_device random;
  for (std::uint64_t& word : secret_) word = (static_cast<std::uint64_t>(random()) << 32) ^ random();
}

std::string UrlSigner::signature(std::string_view id, std::int64_t expires_unix) const {
  const std::string message = std::string(id) + "\n" + std::to_string(expires_unix);
  std::string hex;
  append_hex64(hex, keyed_hash(secret_[0], message));
  append_hex64(hex, keyed_hash(secret_[1], message));
  return hex;
}

bool UrlSigner::verify(std::string_view id, std::int64_t expires_unix, std::string_view signature_text) const {
  return signature(id, expires_unix) == signature_text;
}

}  // namespace fssim
