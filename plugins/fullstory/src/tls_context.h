// tls_context.h: the OpenSSL context every HTTPS connection of a run uses.
//
// Certificate verification is always on: the chain must verify against the system CA
// store (or ca_file when set) and the certificate must name the host (Poco checks this
// after the handshake in VERIFY_STRICT mode, even for 127.0.0.1). OpenSSL's verify result
// is final: our own verify callback never consults Poco's process-wide certificate
// handlers, so no other code in the process (and no interactive console handler) can turn
// a rejected certificate into an accepted one.
#pragma once

#include <string>

#include <Poco/Net/Context.h>

namespace fullstory {

class TlsContext {
 public:
  /// `ca_file` empty: the system's CA store. Throws etl::Error(ETL_E_INVALID_ARGUMENT)
  /// naming ca_file when it cannot be loaded.
  explicit TlsContext(const std::string& ca_file);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  Poco::Net::Context::Ptr context() const { return context_; }
  /// "ca_file /path/ca.pem" or "the system CA store": for error messages.
  const std::string& trust_description() const { return trust_description_; }

  /// Forgets the verification failure recorded on this thread (call before connecting).
  static void clear_verify_failure();
  /// OpenSSL's reason for the last certificate it rejected on this thread, or "".
  static std::string last_verify_failure();

 private:
  Poco::Net::Context::Ptr context_;
  std::string trust_description_;
};

}  // namespace fullstory
