// The host's one way to expose a C++ object (a "receiver") as an etl_emitter: the C
// trampoline, the exception barrier and the filling of the source's error buffer are
// written here once, for the pipeline, discover and the conformance kit.
#pragma once

#include <cstddef>
#include <exception>
#include <string_view>

#include "etlhost/plugin.hpp"

namespace etlhost {

/// A receiver's answer to one emit(): ETL_OK, or the failure and the message the source
/// gets in its error buffer. `message` must stay valid until the trampoline returns.
struct EmitAnswer {
  etl_status status = ETL_OK;
  std::string_view message;
};

namespace detail {

template <class Receiver>
etl_status receive_batch(void* ctx, const etl_message* const* messages, size_t count, etl_error* err) noexcept {
  auto* receiver = static_cast<Receiver*>(ctx);
  EmitAnswer answer;
  // internal_error() must not throw: it only records the problem and says what to answer.
  try {
    answer = receiver->accept(messages, count);
  } catch (const std::exception& error) {
    answer = receiver->internal_error(error.what());
  } catch (...) {
    answer = receiver->internal_error(nullptr);
  }
  if (answer.status == ETL_OK) return ETL_OK;
  return etl::set_error(err, answer.status, answer.message);  // as plugin.h asks of a failing emit()
}

}  // namespace detail

/// An etl_emitter whose emit() calls `receiver`, which must outlive every use of it and has
///   EmitAnswer accept(const etl_message* const* messages, size_t count);  // may throw
///   EmitAnswer internal_error(const char* what);  // an exception escaped accept(); `what`
///                                                 // is null when it was no std::exception
template <class Receiver>
etl_emitter emitter_for(Receiver& receiver) noexcept {
  etl_emitter emitter{};
  emitter.struct_size = ETL_STRUCT_SIZE(etl_emitter);
  emitter.host_ctx = &receiver;
  emitter.emit = &detail::receive_batch<Receiver>;
  return emitter;
}

}  // namespace etlhost
