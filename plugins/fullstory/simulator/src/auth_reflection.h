// auth_reflection.h: error answers that echo the request's Authorization header
// (--reflect-auth), as a debugging proxy, a WAF or a careless server does, in the forms an
// echo takes on the way, so tests can prove a client never prints its own key back.
#pragma once

#include <optional>
#include <string_view>

#include "exchange.h"
#include "fault_plan.h"

namespace fssim {

enum class AuthReflection {
  kNone,
  kVerbatim,     // 502, text body: "... Authorization: Basic KEY"
  kJsonEscaped,  // 502, JSON body; '/' escaped as \/, every other byte but letters and digits as \u00XX
  kUrlEncoded,   // 502, form body; every byte but letters and digits as %XX
  kBase64,       // 502, text body: "Authorization: Basic " + base64(KEY), a proxy "fixing" the scheme
  kBase64Colon,  // 502, as kBase64 but of "KEY:" (the key as a user name, as curl -u KEY: sends it)
  kStraddle,     // 502, text body with the key across byte 300 (the plugin's excerpt length)
  kRetryAfter,   // 429 whose Retry-After is the header
  kReason,       // 502 whose reason phrase quotes the header, cut short by its last byte
};

// One --reflect-auth [ENDPOINT:]MODE.
struct AuthReflectionSpec {
  AuthReflection mode = AuthReflection::kNone;
  std::optional<Endpoint> endpoint;  // nullopt = both export/list and export/get
};

// The modes --reflect-auth accepts, "verbatim|json-escaped|...", for usage text and errors.
std::string_view auth_reflection_names();
// nullopt when `spec` is not [list:|get:]MODE with MODE one of auth_reflection_names().
std::optional<AuthReflectionSpec> parse_auth_reflection(std::string_view spec);

// Answers `exchange` (a request to `endpoint`) with the reflection `spec` asks for and returns
// true; false (nothing sent) when `spec` does not apply to `endpoint`.
bool reflect_authorization(Exchange& exchange, const AuthReflectionSpec& spec, Endpoint endpoint);

}  // namespace fssim
