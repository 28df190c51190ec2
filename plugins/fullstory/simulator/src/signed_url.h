// signed_url.h: the stand-in for a signed cloud-storage URL: the download location of an
// export carries its expiry and a signature over (id, expiry) with a per-process secret.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fssim {

class UrlSigner {
 public:
  // A fresh random secret: signatures of one simulator run mean nothing to the next.
  UrlSigner();

  // 32 hex digits.
  std::string signature(std::string_view id, std::int64_t expires_unix) const;
  bool verify(std::string_view id, std::int64_t expires_unix, std::string_view signature) const;

 private:
  std::uint64_t secret_[2];
};

}  // namespace fssim
