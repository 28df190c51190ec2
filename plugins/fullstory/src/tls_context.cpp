#include "tls_context.h"

#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "etlhost/plugin.hpp"

namespace fullstory {
namespace {

// The connection being verified runs on this thread (verification happens inside the
// handshake, inside sendRequest), so a thread-local is the simplest way to carry the
// reason from the callback to the error message.
thread_local std::string t_verify_failure;

int verify_callback(int preverify_ok, X509_STORE_CTX* store) {
  if (preverify_ok == 0 && t_verify_failure.empty()) {
    const int error = X509_STORE_CTX_get_error(store);
    t_verify_failure = X509_verify_cert_error_string(error);
  }
  return preverify_ok;  // OpenSSL's verdict, never overridden
}

}  // namespace

TlsContext::TlsContext(const std::string& ca_file)
    : trust_description_(ca_file.empty() ? "the system CA store" : "ca_file " + ca_file) {
  Poco::Net::initializeSSL();
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_STRICT;  // also checks the host name of loopback peers
  params.caLocation = ca_file;
  params.loadDefaultCAs = ca_file.empty();
  params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4";
  try {
    context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  } catch (const Poco::Exception& e) {
    Poco::Net::uninitializeSSL();
    throw etl::Error(ETL_E_INVALID_ARGUMENT, "config key 'ca_file': expected a PEM file of CA certificates, found '" +
                                                 ca_file + "', which OpenSSL cannot load (" + e.displayText() + ")");
  }
  context_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  SSL_CTX_set_verify(context_->sslContext(), SSL_VERIFY_PEER, &verify_callback);
}

TlsContext::~TlsContext() {
  context_.reset();
  Poco::Net::uninitializeSSL();
}

void TlsContext::clear_verify_failure() { t_verify_failure.clear(); }

std::string TlsContext::last_verify_failure() { return t_verify_failure; }

}  // namespace fullstory
