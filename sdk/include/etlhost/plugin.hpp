// etlhost/plugin.hpp: a header-only C++17 layer over the C ABI in plugin.h.
//
// It makes a C++ plugin short and safe:
// - an exception barrier: every callback the host sees is noexcept; an etl::Error thrown
//   inside becomes its status and message, any other exception becomes ETL_E_INTERNAL;
// - RAII: the instance is a C++ object built by create() and deleted by destroy();
// - typed config access (etl::Config) whose errors name the key;
// - a declarative config binder (etl::ConfigMap): one table line per key states its type,
//   the member of the plugin's settings struct it fills, its default, range, flags, env
//   variable and help; the descriptor's config spec, the help's ", MIN-MAX" and the
//   range-checked reading all come from that line, so each fact is written once;
// - a batching Emitter for sources and a Messages view for sinks.
//
// The binary interface is still only plugin.h: this header generates the static
// descriptor and the trampolines, nothing of it crosses the boundary.
//
//   struct HelloSettings {
//     int64_t count;
//     std::chrono::milliseconds pause;
//   };
//   inline constexpr etl::ConfigMap kHelloConfig{{
//       etl::integer_key<&HelloSettings::count>("count", "How many greetings.").defaults_to(3).range(1, 100),
//       etl::integer_key<&HelloSettings::pause>("pause_ms", "Wait between greetings.")
//           .defaults_to(0).range(0, 60000, "milliseconds"),
//   }};
//
//   class Hello : public etl::Source {
//    public:
//     Hello(const etl::Host& host, const etl::Config& config) : settings_(kHelloConfig.read(config)) {}
//     void sync(const etl::SyncRequest&, etl::Emitter& out) override {
//       out.schema("greetings", R"({"schema":{"type":"object"},"key_properties":[]})");
//       for (int64_t i = 0; i < settings_.count; ++i) out.record("greetings", R"({"hello":"world"})");
//       out.state(R"({"done":true})");
//     }
//    private:
//     HelloSettings settings_;
//   };
//   ETL_DEFINE_SOURCE_PLUGIN(Hello, "hello", "1.0.0", "Says hello.", kHelloConfig)
//
// The host fills every default before create() (plugin.h), so read() never needs one: a
// missing key is an error, and a default lives only in its table line. Keys that need
// checks beyond type and range are custom_key lines, read by the plugin's own code after
// read(); their spec and default still come from the table.
#ifndef ETLHOST_PLUGIN_HPP
#define ETLHOST_PLUGIN_HPP

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.h"
#include "etlhost/plugin_util.h"

namespace etl {

// ----------------------------------------------------------------------------------------
// Text and errors
// ----------------------------------------------------------------------------------------

/// The one etl_str -> string_view conversion (plugins and the host). NULL data gives the
/// empty view whatever the size says: the host reads text from plugins it does not trust.
inline std::string_view view(etl_str s) noexcept {
  return s.data == nullptr || s.size == 0 ? std::string_view() : std::string_view(s.data, s.size);
}
inline etl_str str(std::string_view s) noexcept { return etl_str{s.data(), s.size()}; }

/// The exception plugins throw; the barrier turns it into (code, message, detail).
class Error : public std::exception {
 public:
  Error(etl_status code, std::string message, int32_t detail = 0)
      : code_(code == ETL_OK ? ETL_E_UNKNOWN : code), detail_(detail), message_(std::move(message)) {}
  etl_status code() const noexcept { return code_; }
  int32_t detail() const noexcept { return detail_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  etl_status code_;
  int32_t detail_;
  std::string message_;
};

/// Writes into a host-owned error buffer, truncating on a UTF-8 boundary. Returns `code`.
inline etl_status set_error(etl_error* err, etl_status code, std::string_view message, int32_t detail = 0) noexcept {
  if (err == nullptr || err->struct_size < ETL_ERROR_SIZE_1_0) return code;
  err->code = code;
  err->detail = detail;
  const size_t n = etl_utf8_prefix_size(message.data(), message.size(), ETL_ERROR_MESSAGE_CAPACITY - 1);
  std::memcpy(err->message, message.data(), n);
  err->message[n] = '\0';
  return code;
}

/// Appends `text` to `out` as a JSON string literal (quotes included). Fast path for
/// plugins that build JSON by hand on a hot path; valid UTF-8 passes through unchanged.
inline void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(text.data() + run_start, text.size() - run_start);
  out.push_back('"');
}

// ----------------------------------------------------------------------------------------
// Host services
// ----------------------------------------------------------------------------------------

/// The host's services for one instance. Cheap to copy; valid until the instance dies.
class Host {
 public:
  explicit Host(const etl_host_api* api) noexcept : api_(api) {}

  void log(int32_t level, std::string_view message) const noexcept {
    if (api_ != nullptr && api_->log != nullptr) api_->log(api_->host_ctx, level, str(message));
  }
  void error(std::string_view message) const noexcept { log(ETL_LOG_ERROR, message); }
  void warn(std::string_view message) const noexcept { log(ETL_LOG_WARN, message); }
  void info(std::string_view message) const noexcept { log(ETL_LOG_INFO, message); }
  void debug(std::string_view message) const noexcept { log(ETL_LOG_DEBUG, message); }

  bool cancelled() const noexcept {
    return api_ != nullptr && api_->is_cancelled != nullptr && api_->is_cancelled(api_->host_ctx) != 0;
  }
  /// Throws Error(ETL_E_CANCELLED) once the user asked the run to stop.
  void throw_if_cancelled() const {
    if (cancelled()) throw Error(ETL_E_CANCELLED, "stopped at the user's request");
  }
  /// Sleeps up to `duration`, waking early (and throwing ETL_E_CANCELLED) on a stop request.
  void sleep_for(std::chrono::milliseconds duration) const {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < deadline) {
      throw_if_cancelled();
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                              std::chrono::steady_clock::now());
      std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(50)));
    }
    throw_if_cancelled();
  }
  void count(std::string_view counter, int64_t delta) const noexcept {
    if (api_ != nullptr && api_->count != nullptr) api_->count(api_->host_ctx, str(counter), delta);
  }
  // ABI 1.2 (plugin.h section 8); each is a no-op on an older host.
  /// etl_host_api.plan: `total` units of `counter` this run, none faster than `min_per_unit`.
  void plan(std::string_view counter, int64_t total,
            std::chrono::milliseconds min_per_unit = std::chrono::milliseconds(0)) const noexcept {
    if (has(offsetof(etl_host_api, plan)) && api_->plan != nullptr) {
      api_->plan(api_->host_ctx, str(counter), total, static_cast<int64_t>(min_per_unit.count()));
    }
  }
  /// etl_host_api.activity: ETL_ACTIVITY_WORKING / _WAITING / _RETRYING from now on;
  /// `until_ms` (Unix epoch ms) is when a wait ends, 0 when unknown.
  void activity(uint32_t kind, std::string_view what, int64_t until_ms = 0) const noexcept {
    if (has(offsetof(etl_host_api, activity)) && api_->activity != nullptr) {
      api_->activity(api_->host_ctx, kind, str(what), until_ms);
    }
  }
  /// etl_host_api.report_unit: one finished unit of work (a JSON object) for the run record.
  void report_unit(std::string_view unit_json) const noexcept {
    if (has(offsetof(etl_host_api, report_unit)) && api_->report_unit != nullptr) {
      api_->report_unit(api_->host_ctx, str(unit_json));
    }
  }
  const etl_host_api* api() const noexcept { return api_; }

 private:
  // True when the host filled the field at `offset` (a pointer-sized service).
  bool has(size_t offset) const noexcept { return api_ != nullptr && api_->struct_size >= offset + sizeof(void*); }

  const etl_host_api* api_;
};

// ----------------------------------------------------------------------------------------
// Config
// ----------------------------------------------------------------------------------------

/// Builds one config-spec entry by hand. Prefer a ConfigMap (below): it derives these
/// entries, the help text's range and the reading of the values from one table.
constexpr etl_config_field field(uint32_t type, const char* key, const char* help, const char* default_json = nullptr,
                                 uint32_t flags = 0, const char* env = nullptr) {
  return etl_config_field{ETL_STRUCT_SIZE(etl_config_field), type, flags, key, default_json, env, help};
}

/// Typed read access to the config object the host validated. Errors name the key.
class Config {
 public:
  explicit Config(std::string_view json_text) {
    json_ = nlohmann::json::parse(json_text.begin(), json_text.end(), nullptr, false);
    if (!json_.is_object()) {
      throw Error(ETL_E_INVALID_ARGUMENT, "config: expected a JSON object");
    }
  }

  bool has(const std::string& key) const { return json_.contains(key) && !json_.at(key).is_null(); }

  std::string string(const std::string& key) const {
    return typed(key, nlohmann::json::value_t::string, "a string").get<std::string>();
  }
  std::string string_or(const std::string& key, std::string fallback) const {
    return has(key) ? string(key) : std::move(fallback);
  }
  int64_t integer(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_number_integer()) throw wrong_type(key, "an integer", v);
    return v.get<int64_t>();
  }
  int64_t integer_or(const std::string& key, int64_t fallback) const { return has(key) ? integer(key) : fallback; }
  /// An integer that must lie in [min, max]. `unit` (e.g. "seconds"), when given, follows
  /// the range in the error: "config key 'K': expected an integer from 1 to 60 (seconds), found 0".
  int64_t integer_in(const std::string& key, int64_t min, int64_t max, const char* unit = nullptr) const {
    const int64_t value = integer(key);
    if (value < min || value > max) {
      const std::string in_unit = unit == nullptr ? std::string() : std::string(" (") + unit + ")";
      throw Error(ETL_E_INVALID_ARGUMENT, "config key '" + key + "': expected an integer from " + std::to_string(min) +
                                              " to " + std::to_string(max) + in_unit + ", found " +
                                              std::to_string(value));
    }
    return value;
  }
  double number(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_number()) throw wrong_type(key, "a number", v);
    return v.get<double>();
  }
  bool boolean(const std::string& key) const {
    return typed(key, nlohmann::json::value_t::boolean, "true or false").get<bool>();
  }
  bool boolean_or(const std::string& key, bool fallback) const { return has(key) ? boolean(key) : fallback; }
  const nlohmann::json& json() const noexcept { return json_; }

 private:
  const nlohmann::json& at(const std::string& key) const {
    if (!has(key)) throw Error(ETL_E_INVALID_ARGUMENT, "config key '" + key + "' is missing");
    return json_.at(key);
  }
  const nlohmann::json& typed(const std::string& key, nlohmann::json::value_t type, const char* expected) const {
    const auto& v = at(key);
    if (v.type() != type) throw wrong_type(key, expected, v);
    return v;
  }
  // Says which type was found, never the value: the value may be a secret.
  static Error wrong_type(const std::string& key, const char* expected, const nlohmann::json& v) {
    return Error(ETL_E_INVALID_ARGUMENT, "config key '" + key + "': expected " + expected + ", found " + v.type_name());
  }

  nlohmann::json json_;
};

// ----------------------------------------------------------------------------------------
// Config binder: one table line per key gives the spec, the help's range and the reading
// ----------------------------------------------------------------------------------------

template <class Settings>
struct ConfigKey;

namespace detail {

template <class Member>
struct member_of;
template <class Settings, class T>
struct member_of<T Settings::*> {
  using settings = Settings;
  using type = T;
};
template <auto Member>
using settings_of = typename member_of<decltype(Member)>::settings;
template <auto Member>
using member_type = typename member_of<decltype(Member)>::type;

template <class T>
struct is_duration : std::false_type {};
template <class Rep, class Period>
struct is_duration<std::chrono::duration<Rep, Period>> : std::true_type {};

// A constexpr mistake in a table (a default of the wrong type, a default out of range, a
// text too long for its buffer) becomes a compile error naming this throw.
constexpr void table_check(bool ok, const char* /*problem*/) {
  if (!ok) throw std::logic_error("etl::ConfigMap: invalid config table");
}

template <auto Member>
void read_integer(const Config& config, const ConfigKey<settings_of<Member>>& key, settings_of<Member>& out);
template <auto Member>
void read_string(const Config& config, const ConfigKey<settings_of<Member>>& key, settings_of<Member>& out);
template <auto Member>
void read_boolean(const Config& config, const ConfigKey<settings_of<Member>>& key, settings_of<Member>& out);
template <auto Member>
void read_number(const Config& config, const ConfigKey<settings_of<Member>>& key, settings_of<Member>& out);

}  // namespace detail

/// One line of a ConfigMap. Made by integer_key / string_key / boolean_key / number_key
/// (the map reads the value into a member of `Settings`) or custom_key (the plugin reads it
/// itself), then refined: .defaults_to(v) .range(min, max, unit) .required() .secret() .env(V).
template <class Settings>
struct ConfigKey {
  using Reader = void (*)(const Config& config, const ConfigKey& key, Settings& out);

  uint32_t type = 0;
  const char* key = nullptr;
  const char* help = nullptr;
  Reader read = nullptr;  // nullptr: a custom key, read by the plugin's own code
  uint32_t flags = 0;
  const char* env_var = nullptr;
  bool has_default = false;
  int64_t default_integer = 0;
  bool default_boolean = false;
  const char* default_text = nullptr;  // a STRING key's text, or a NUMBER/JSON key's JSON
  bool has_range = false;
  int64_t min = 0;
  int64_t max = 0;
  const char* unit = nullptr;  // "seconds": in the range error, "(seconds)"

  /// The value the host fills in when the user gives none: an integer, a bool, a string's
  /// text (not JSON: the map quotes it), or for a NUMBER/JSON key its JSON text.
  template <class T>
  constexpr ConfigKey defaults_to(T value) const {
    ConfigKey out = *this;
    out.has_default = true;
    if constexpr (std::is_same_v<T, bool>) {
      detail::table_check(type == ETL_CONFIG_BOOLEAN, "a bool default on a non-boolean key");
      out.default_boolean = value;
    } else if constexpr (std::is_integral_v<T>) {
      detail::table_check(type == ETL_CONFIG_INTEGER, "an integer default on a non-integer key");
      out.default_integer = value;
    } else {
      detail::table_check(type == ETL_CONFIG_STRING || type == ETL_CONFIG_NUMBER || type == ETL_CONFIG_JSON,
                          "a text default on an integer or boolean key");
      out.default_text = value;
    }
    return out;
  }
  /// An integer key's accepted values, [min, max]. The help gets ", MIN-MAX" (before its
  /// final period) and reading refuses other values; `unit` names them in that error.
  constexpr ConfigKey range(int64_t lowest, int64_t highest, const char* unit_name = nullptr) const {
    detail::table_check(type == ETL_CONFIG_INTEGER && lowest <= highest, "a range on a non-integer key");
    ConfigKey out = *this;
    out.has_range = true;
    out.min = lowest;
    out.max = highest;
    out.unit = unit_name;
    return out;
  }
  constexpr ConfigKey required() const { return with_flag(ETL_CONFIG_REQUIRED); }
  constexpr ConfigKey secret() const { return with_flag(ETL_CONFIG_SECRET); }
  /// The environment variable the host reads when the user's config lacks the key.
  constexpr ConfigKey env(const char* variable) const {
    ConfigKey out = *this;
    out.env_var = variable;
    return out;
  }

 private:
  constexpr ConfigKey with_flag(uint32_t flag) const {
    ConfigKey out = *this;
    out.flags |= flag;
    return out;
  }
};

/// A key read into `Member` (an integral or std::chrono::duration member) as an integer.
template <auto Member>
constexpr ConfigKey<detail::settings_of<Member>> integer_key(const char* key, const char* help) {
  static_assert(
      std::is_integral_v<detail::member_type<Member>> || detail::is_duration<detail::member_type<Member>>::value,
      "integer_key: the member must be an integer or a std::chrono::duration");
  return {ETL_CONFIG_INTEGER, key, help, &detail::read_integer<Member>};
}
/// A key read into a std::string `Member`.
template <auto Member>
constexpr ConfigKey<detail::settings_of<Member>> string_key(const char* key, const char* help) {
  return {ETL_CONFIG_STRING, key, help, &detail::read_string<Member>};
}
/// A key read into a bool `Member`.
template <auto Member>
constexpr ConfigKey<detail::settings_of<Member>> boolean_key(const char* key, const char* help) {
  return {ETL_CONFIG_BOOLEAN, key, help, &detail::read_boolean<Member>};
}
/// A key read into a double `Member`.
template <auto Member>
constexpr ConfigKey<detail::settings_of<Member>> number_key(const char* key, const char* help) {
  return {ETL_CONFIG_NUMBER, key, help, &detail::read_number<Member>};
}
/// A key the plugin reads itself, for checks beyond type and range (formats, files, keys
/// that depend on each other). The table still holds its spec and its only default.
template <class Settings>
constexpr ConfigKey<Settings> custom_key(uint32_t type, const char* key, const char* help) {
  return {type, key, help, nullptr};
}

/// A plugin's config table: the descriptor's etl_config_field array (pass the map itself
/// to ETL_DEFINE_*_PLUGIN) and the reader of the validated config into `Settings`. Declare
/// it constexpr at namespace scope: the fields point into the map's own text buffers, so
/// the map must not be copied. `TextCapacity` bounds each help and default text.
template <class Settings, size_t N, size_t TextCapacity = 256>
class ConfigMap {
 public:
  constexpr explicit ConfigMap(const ConfigKey<Settings> (&keys)[N]) {
    for (size_t i = 0; i < N; ++i) {
      keys_[i] = keys[i];
      fields_[i] = etl_config_field{ETL_STRUCT_SIZE(etl_config_field),
                                    keys[i].type,
                                    keys[i].flags,
                                    keys[i].key,
                                    write_default(keys[i], defaults_[i]),
                                    keys[i].env_var,
                                    write_help(keys[i], help_[i])};
    }
  }
  ConfigMap(const ConfigMap&) = delete;
  ConfigMap& operator=(const ConfigMap&) = delete;

  constexpr const std::array<etl_config_field, N>& fields() const noexcept { return fields_; }
  /// The table line of `name`; throws std::out_of_range for a key not in the table.
  constexpr const ConfigKey<Settings>& key(std::string_view name) const {
    for (const auto& entry : keys_) {
      if (name == entry.key) return entry;
    }
    throw std::out_of_range("etl::ConfigMap: no such key");
  }
  /// Reads every key that names a member, in table order, checking ranges. Custom keys
  /// leave their members value-initialized for the plugin's own code to set.
  Settings read(const Config& config) const {
    Settings out{};
    for (const auto& entry : keys_) {
      if (entry.read != nullptr) entry.read(config, entry, out);
    }
    return out;
  }

 private:
  using Text = std::array<char, TextCapacity>;

  // Appends to a fixed buffer, always NUL-terminated; overflow is a table error.
  struct TextWriter {
    Text& text;
    size_t size = 0;
    constexpr void put(char c) {
      detail::table_check(size + 1 < TextCapacity, "a text longer than TextCapacity");
      text[size++] = c;
      text[size] = '\0';
    }
    constexpr void put(const char* s) {
      for (; *s != '\0'; ++s) put(*s);
    }
    constexpr void put_integer(int64_t value) {
      char digits[20] = {};
      size_t n = 0;
      // Negated digit by digit so INT64_MIN needs no special case.
      const bool negative = value < 0;
      do {
        const int64_t digit = value % 10;
        digits[n++] = static_cast<char>('0' + (negative ? -digit : digit));
        value /= 10;
      } while (value != 0);
      if (negative) put('-');
      while (n > 0) put(digits[--n]);
    }
  };

  static constexpr const char* write_default(const ConfigKey<Settings>& key, Text& text) {
    if (!key.has_default) return nullptr;
    TextWriter out{text};
    if (key.type == ETL_CONFIG_INTEGER) {
      detail::table_check(!key.has_range || (key.min <= key.default_integer && key.default_integer <= key.max),
                          "a default outside the key's range");
      out.put_integer(key.default_integer);
    } else if (key.type == ETL_CONFIG_BOOLEAN) {
      out.put(key.default_boolean ? "true" : "false");
    } else if (key.type == ETL_CONFIG_STRING) {
      out.put('"');
      for (const char* c = key.default_text; *c != '\0'; ++c) {
        detail::table_check(static_cast<unsigned char>(*c) >= 0x20, "a control character in a string default");
        if (*c == '"' || *c == '\\') out.put('\\');
        out.put(*c);
      }
      out.put('"');
    } else {
      out.put(key.default_text);
    }
    return text.data();
  }

  // The help as written, with ", MIN-MAX" before its final period when the key has a range.
  static constexpr const char* write_help(const ConfigKey<Settings>& key, Text& text) {
    if (!key.has_range) return key.help;
    size_t length = 0;
    while (key.help[length] != '\0') ++length;
    const bool period = length > 0 && key.help[length - 1] == '.';
    TextWriter out{text};
    for (size_t i = 0; i < (period ? length - 1 : length); ++i) out.put(key.help[i]);
    out.put(", ");
    out.put_integer(key.min);
    out.put('-');
    out.put_integer(key.max);
    out.put('.');
    return text.data();
  }

  std::array<ConfigKey<Settings>, N> keys_{};
  std::array<etl_config_field, N> fields_{};
  std::array<Text, N> help_{};
  std::array<Text, N> defaults_{};
};

template <class Settings, size_t N>
ConfigMap(const ConfigKey<Settings> (&)[N]) -> ConfigMap<Settings, N>;

namespace detail {

template <auto Member>
void read_integer(const Config& config, const ConfigKey<settings_of<Member>>& key, settings_of<Member>& out) {
  const int64_t value = key.has_range ? config.integer_in(key.key, key.min, key.max, key.unit)
                                      : config.integer(key.key);
  using T = member_type<Member>;
  if constexpr (is_duration<T>::value) {
    out.*Member = T(static_cast<typename T::rep>(value));
  } else {
    out.*Member = static_cast<T>(value);
  }
}
template <auto Member>
void read_string(const Config& config, const ConfigKey<settings_of<Member>>& key, settings_of<Member>& out) {
  out.*Member = config.string(key.key);
}
template <auto Member>
void read_boolean(const Config& config, const ConfigKey<settings_of<Member>>& key, settings_of<Member>& out) {
  out.*Member = config.boolean(key.key);
}
template <auto Member>
void read_number(const Config& config, const ConfigKey<settings_of<Member>>& key, settings_of<Member>& out) {
  out.*Member = config.number(key.key);
}

}  // namespace detail

// ----------------------------------------------------------------------------------------
// Source side: catalog selection and the batching emitter
// ----------------------------------------------------------------------------------------

/// What sync() receives. `selected()` reads Singer catalog selection metadata.
class SyncRequest {
 public:
  SyncRequest(std::string_view catalog_json, std::string_view state_json)
      : catalog_text_(catalog_json), state_text_(state_json) {
    if (catalog_json.empty()) return;
    catalog_ = nlohmann::json::parse(catalog_json.begin(), catalog_json.end(), nullptr, false);
    if (!catalog_.is_object() || !catalog_.contains("streams") || !catalog_["streams"].is_array()) {
      throw Error(ETL_E_INVALID_STATE, "catalog: expected an object with a \"streams\" array");
    }
  }

  std::string_view catalog_json() const noexcept { return catalog_text_; }
  /// The last committed STATE value as JSON text; empty on a first run.
  std::string_view state_json() const noexcept { return state_text_; }

  /// A stream is selected when there is no catalog, or when its catalog entry exists and
  /// its root metadata (breadcrumb []) does not say "selected": false.
  bool selected(std::string_view stream) const {
    if (catalog_.is_null()) return true;
    for (const auto& entry : catalog_.at("streams")) {
      if (!entry.is_object()) continue;
      auto name = entry.find("tap_stream_id");
      if (name == entry.end()) name = entry.find("stream");
      if (name == entry.end() || !name->is_string() || name->get_ref<const std::string&>() != stream) continue;
      return root_selected(entry);
    }
    return false;
  }

 private:
  // The "selected" flag of the entry's root metadata (breadcrumb []); selected when absent.
  static bool root_selected(const nlohmann::json& entry) {
    const auto metadata = entry.find("metadata");
    if (metadata == entry.end() || !metadata->is_array()) return true;
    for (const auto& item : *metadata) {
      if (!item.is_object()) continue;
      const auto breadcrumb = item.find("breadcrumb");
      if (breadcrumb == item.end() || !breadcrumb->is_array() || !breadcrumb->empty()) continue;
      const auto inner = item.find("metadata");
      if (inner == item.end() || !inner->is_object()) continue;
      const auto flag = inner->find("selected");
      if (flag != inner->end() && flag->is_boolean()) return flag->get<bool>();
    }
    return true;
  }

  std::string_view catalog_text_;
  std::string_view state_text_;
  nlohmann::json catalog_;
};

/// Collects messages into batches and hands them to the host. Text is copied into one
/// arena per batch, so callers may pass temporaries. A failed emit throws etl::Error with
/// the host's status; let it propagate out of sync() (the barrier returns it).
class Emitter {
 public:
  Emitter(const etl_emitter* emitter, etl_error* err, size_t max_messages = 1024, size_t max_bytes = size_t{1} << 20)
      : emitter_(emitter), err_(err), max_messages_(max_messages), max_bytes_(max_bytes) {}
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  void schema(std::string_view stream, std::string_view json) { add(ETL_MSG_SCHEMA, stream, json, 0); }
  void record(std::string_view stream, std::string_view json, int64_t time_extracted_ms = 0) {
    add(ETL_MSG_RECORD, stream, json, time_extracted_ms);
  }
  /// Queues a STATE after everything queued before it, and sends the batch at once so the
  /// host can commit promptly.
  void state(std::string_view json) {
    add(ETL_MSG_STATE, std::string_view(), json, 0);
    flush();
  }
  /// Sends everything queued. Throws etl::Error when the host refuses.
  void flush() {
    if (pending_.empty()) return;
    messages_.resize(pending_.size());
    pointers_.resize(pending_.size());
    for (size_t i = 0; i < pending_.size(); ++i) {
      const Pending& p = pending_[i];
      messages_[i] = etl_message{ETL_STRUCT_SIZE(etl_message), p.kind,
                                 etl_str{arena_.data() + p.stream_offset, p.stream_size},
                                 etl_str{arena_.data() + p.json_offset, p.json_size}, p.time_extracted_ms};
      pointers_[i] = &messages_[i];
    }
    const etl_status status = emitter_->emit(emitter_->host_ctx, pointers_.data(), pointers_.size(), err_);
    pending_.clear();
    arena_.clear();
    last_stream_.clear();
    check_host_answer(status);
  }

 private:
  struct Pending {
    uint32_t kind;
    size_t stream_offset, stream_size, json_offset, json_size;
    int64_t time_extracted_ms;
  };

  void add(uint32_t kind, std::string_view stream, std::string_view json, int64_t time_ms) {
    if (json.size() >= max_bytes_) return send_alone(kind, stream, json, time_ms);
    // Consecutive messages of one stream share one copy of its name.
    if (stream != last_stream_view()) {
      last_stream_offset_ = arena_.size();
      arena_.append(stream);
      last_stream_ = std::string(stream);
    }
    const size_t json_offset = arena_.size();
    arena_.append(json);
    pending_.push_back(Pending{kind, last_stream_offset_, stream.size(), json_offset, json.size(), time_ms});
    if (pending_.size() >= max_messages_ || arena_.size() >= max_bytes_) flush();
  }
  // A message bigger than a batch goes out by itself, from the caller's bytes: copied into
  // the arena it would cost its size once more and keep the arena that big for the run.
  void send_alone(uint32_t kind, std::string_view stream, std::string_view json, int64_t time_ms) {
    flush();
    const etl_message message{ETL_STRUCT_SIZE(etl_message), kind, etl_str{stream.data(), stream.size()},
                              etl_str{json.data(), json.size()}, time_ms};
    const etl_message* pointer = &message;
    check_host_answer(emitter_->emit(emitter_->host_ctx, &pointer, 1, err_));
  }
  void check_host_answer(etl_status status) const {
    if (status != ETL_OK) {
      const bool has_message = err_ != nullptr && err_->message[0] != '\0';
      throw Error(status, has_message ? err_->message : "the host refused the batch", err_ ? err_->detail : 0);
    }
  }
  std::string_view last_stream_view() const {
    return pending_.empty() ? std::string_view("\x01", 1) : std::string_view(last_stream_);
  }

  const etl_emitter* emitter_;
  etl_error* err_;
  size_t max_messages_;
  size_t max_bytes_;
  std::string arena_;
  std::string last_stream_;
  size_t last_stream_offset_ = 0;
  std::vector<Pending> pending_;
  std::vector<etl_message> messages_;
  std::vector<const etl_message*> pointers_;
};

/// Base class of a C++ source. Constructor signature: (const Host&, const Config&).
class Source {
 public:
  virtual ~Source() = default;
  /// Emit one SCHEMA per stream, with "metadata". Default: no catalog.
  virtual void discover(Emitter&) { throw Error(ETL_E_NOT_IMPLEMENTED, "this source has no catalog"); }
  virtual void sync(const SyncRequest& request, Emitter& out) = 0;
  /// ABI 1.2, `etlhost check`: the cheapest real request; throw the failure sync() would meet.
  virtual void check() { throw Error(ETL_E_NOT_IMPLEMENTED, "this source cannot be checked"); }
  /// ABI 1.2: where the data comes from, a JSON object (etl_source_api.identity); the text
  /// must outlive the call (keep it in a member). Empty (the default): no identity.
  virtual std::string_view identity() { return {}; }
  /// ABI 1.2, `--dry-run`: what sync(request) would fetch, a JSON object (etl_source_api.plan);
  /// the text must outlive the call.
  virtual std::string_view plan(const SyncRequest&) {
    throw Error(ETL_E_NOT_IMPLEMENTED, "this source cannot plan a run (no --dry-run)");
  }
};

// ----------------------------------------------------------------------------------------
// Sink side: a view of a batch
// ----------------------------------------------------------------------------------------

/// One message of a batch, as views into the host's borrowed memory.
struct Message {
  uint32_t kind;
  std::string_view stream;
  std::string_view json;
  int64_t time_extracted_ms;
};

/// A borrowed batch: iterate it as etl::Message values. Valid during write() only.
class Messages {
 public:
  Messages(const etl_message* const* messages, size_t count) noexcept : messages_(messages), count_(count) {}
  size_t size() const noexcept { return count_; }
  Message operator[](size_t i) const noexcept {
    const etl_message* m = messages_[i];
    const int64_t time_ms = ETL_HAS_FIELD(m, etl_message, time_extracted_ms) ? m->time_extracted_ms : 0;
    return Message{m->kind, view(m->stream), view(m->json), time_ms};
  }
  class iterator {
   public:
    iterator(const Messages* batch, size_t i) noexcept : batch_(batch), i_(i) {}
    Message operator*() const noexcept { return (*batch_)[i_]; }
    iterator& operator++() noexcept {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& other) const noexcept { return i_ != other.i_; }

   private:
    const Messages* batch_;
    size_t i_;
  };
  iterator begin() const noexcept { return iterator(this, 0); }
  iterator end() const noexcept { return iterator(this, count_); }

 private:
  const etl_message* const* messages_;
  size_t count_;
};

/// Base class of a C++ sink. Constructor signature: (const Host&, const Config&).
class Sink {
 public:
  virtual ~Sink() = default;
  /// Return to `checkpoint` (empty: keep existing output). See etl_sink_api.restore.
  virtual void restore(std::string_view /*checkpoint*/) {}
  virtual void write(const Messages& batch) = 0;
  /// The position after everything written so far; the text must outlive the call (keep it
  /// in a member). Empty: this sink keeps no position.
  virtual std::string_view checkpoint() { return {}; }
  /// Make everything written so far durable.
  virtual void flush() = 0;
  /// ABI 1.1: how many STATEs written so far (counted from 1) are durable downstream; see
  /// etl_sink_api.acknowledged. nullopt (the default): flush() is the acknowledgement.
  /// Must not block; the host asks once after the first restore() whether it is nullopt.
  virtual std::optional<uint64_t> acknowledged() { return std::nullopt; }
  /// ABI 1.1: no write() follows; deliver everything and let the downstream finish, so that
  /// acknowledged() is final. `aborted`: the run failed or was stopped. See etl_sink_api.finish.
  virtual void finish(bool /*aborted*/) {}
  /// ABI 1.2: where the output goes, a JSON object such as {"location": "/abs/dir"}
  /// (etl_sink_api.identity); must outlive the call. Empty (the default): no identity.
  virtual std::string_view identity() { return {}; }
  /// ABI 1.2, `--full-refresh`: discard this config's output (etl_sink_api.reset). Only a
  /// class that declares its own reset() gets the callback (NULL otherwise: plugin.h says
  /// that means "cannot reset", and the host refuses --full-refresh before committing).
  virtual void reset() { throw Error(ETL_E_NOT_IMPLEMENTED, "this sink cannot discard its output"); }
};

// ----------------------------------------------------------------------------------------
// The exception barrier and the generated descriptor
// ----------------------------------------------------------------------------------------

namespace detail {

template <class Body>
etl_status guarded(etl_error* err, Body&& body) noexcept {
  try {
    body();
    return ETL_OK;
  } catch (const Error& e) {
    return set_error(err, e.code(), e.what(), e.detail());
  } catch (const std::bad_alloc&) {
    return set_error(err, ETL_E_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return set_error(err, ETL_E_INTERNAL, std::string("unexpected exception: ") + e.what());
  } catch (...) {
    return set_error(err, ETL_E_INTERNAL, "unexpected non-standard exception");
  }
}

template <class T>
etl_status create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) noexcept {
  return guarded(err, [&] {
    const Config parsed(view(config));
    *out_self = new T(Host(host), parsed);
  });
}

template <class T>
void destroy(void* self) noexcept {
  delete static_cast<T*>(self);
}

// identity() of a source or a sink: empty text is "no identity" (ETL_E_NOT_IMPLEMENTED).
template <class T>
etl_status identity_of(T* self, etl_str* out, etl_error* err) noexcept {
  std::string_view text;
  const etl_status status = guarded(err, [&] { text = self->identity(); });
  if (status != ETL_OK) return status;
  if (text.empty()) return set_error(err, ETL_E_NOT_IMPLEMENTED, "this plugin records no identity");
  *out = str(text);
  return ETL_OK;
}

template <class T>
struct SourceCallbacks {
  static etl_status discover(void* self, const etl_emitter* emitter, etl_error* err) noexcept {
    return guarded(err, [&] {
      Emitter out(emitter, err);
      static_cast<T*>(self)->discover(out);
      out.flush();
    });
  }
  static etl_status sync(void* self, etl_str catalog, etl_str state, const etl_emitter* emitter,
                         etl_error* err) noexcept {
    return guarded(err, [&] {
      const SyncRequest request(view(catalog), view(state));
      Emitter out(emitter, err);
      static_cast<T*>(self)->sync(request, out);
      out.flush();
    });
  }
  static etl_status check(void* self, etl_error* err) noexcept {
    return guarded(err, [&] { static_cast<T*>(self)->check(); });
  }
  static etl_status identity(void* self, etl_str* out, etl_error* err) noexcept {
    return identity_of(static_cast<T*>(self), out, err);
  }
  static etl_status plan(void* self, etl_str catalog, etl_str state, etl_str* out, etl_error* err) noexcept {
    return guarded(err, [&] {
      const SyncRequest request(view(catalog), view(state));
      *out = str(static_cast<T*>(self)->plan(request));
    });
  }
};

template <class T>
struct SinkCallbacks {
  static etl_status restore(void* self, etl_str checkpoint, etl_error* err) noexcept {
    return guarded(err, [&] { static_cast<T*>(self)->restore(view(checkpoint)); });
  }
  static etl_status write(void* self, const etl_message* const* messages, size_t count, etl_error* err) noexcept {
    return guarded(err, [&] { static_cast<T*>(self)->write(Messages(messages, count)); });
  }
  static etl_status checkpoint(void* self, etl_str* out, etl_error* err) noexcept {
    return guarded(err, [&] { *out = str(static_cast<T*>(self)->checkpoint()); });
  }
  static etl_status flush(void* self, etl_error* err) noexcept {
    return guarded(err, [&] { static_cast<T*>(self)->flush(); });
  }
  static etl_status acknowledged(void* self, uint64_t* out, etl_error* err) noexcept {
    std::optional<uint64_t> states;
    const etl_status status = guarded(err, [&] { states = static_cast<T*>(self)->acknowledged(); });
    if (status != ETL_OK) return status;
    if (!states) return set_error(err, ETL_E_NOT_IMPLEMENTED, "this sink's flush() is its acknowledgement");
    *out = *states;
    return ETL_OK;
  }
  static etl_status finish(void* self, uint32_t flags, etl_error* err) noexcept {
    return guarded(err, [&] { static_cast<T*>(self)->finish((flags & ETL_FINISH_ABORTED) != 0); });
  }
  static etl_status identity(void* self, etl_str* out, etl_error* err) noexcept {
    return identity_of(static_cast<T*>(self), out, err);
  }
  static etl_status reset(void* self, etl_error* err) noexcept {
    return guarded(err, [&] { static_cast<T*>(self)->reset(); });
  }
};

// &T::reset names Sink::reset unless T (or a base between) declares its own: only then is
// there a reset to offer.
template <class T>
constexpr auto sink_reset_callback() {
  using Fn = etl_status (*)(void*, etl_error*) noexcept;
  if constexpr (std::is_same_v<decltype(&T::reset), void (Sink::*)()>) {
    return static_cast<Fn>(nullptr);
  } else {
    return static_cast<Fn>(&SinkCallbacks<T>::reset);
  }
}

template <size_t N>
constexpr std::array<const etl_config_field*, N> pointers_to(const etl_config_field (&fields)[N]) {
  std::array<const etl_config_field*, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = &fields[i];
  return out;
}
/// A plugin without config passes `nullptr` as FIELDS.
constexpr std::array<const etl_config_field*, 0> pointers_to(std::nullptr_t) { return {}; }
template <class Settings, size_t N, size_t TextCapacity>
constexpr std::array<const etl_config_field*, N> pointers_to(const ConfigMap<Settings, N, TextCapacity>& map) {
  std::array<const etl_config_field*, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = &map.fields()[i];
  return out;
}

inline etl_status entry(uint32_t host_abi_version, const etl_plugin& plugin, const etl_plugin** out,
                        etl_error* err) noexcept {
  if (ETL_ABI_VERSION_MAJOR(host_abi_version) != ETL_ABI_MAJOR) {
    return set_error(err, ETL_E_ABI_MISMATCH,
                     std::string("plugin '") + plugin.name + "' speaks ABI major " + std::to_string(ETL_ABI_MAJOR) +
                         ", the host speaks major " + std::to_string(ETL_ABI_VERSION_MAJOR(host_abi_version)));
  }
  *out = &plugin;
  return ETL_OK;
}

}  // namespace detail
}  // namespace etl

/// Defines the entry point of a source plugin implemented by class `Class` (an etl::Source).
/// `FIELDS` is a constexpr etl::ConfigMap, a constexpr array of etl_config_field built with
/// etl::field(), or nullptr.
#define ETL_DEFINE_SOURCE_PLUGIN(Class, NAME, VERSION, DESCRIPTION, FIELDS)                                   \
  extern "C" ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, \
                                                    etl_error* err) {                                         \
    static constexpr auto fields = ::etl::detail::pointers_to(FIELDS);                                        \
    static constexpr etl_source_api api = {ETL_STRUCT_SIZE(etl_source_api),                                   \
                                           &::etl::detail::create<Class>,                                     \
                                           &::etl::detail::SourceCallbacks<Class>::discover,                  \
                                           &::etl::detail::SourceCallbacks<Class>::sync,                      \
                                           &::etl::detail::destroy<Class>,                                    \
                                           &::etl::detail::SourceCallbacks<Class>::check,                     \
                                           &::etl::detail::SourceCallbacks<Class>::identity,                  \
                                           &::etl::detail::SourceCallbacks<Class>::plan};                     \
    static constexpr etl_plugin plugin = {ETL_STRUCT_SIZE(etl_plugin),                                        \
                                          ETL_ABI_VERSION,                                                    \
                                          ETL_KIND_SOURCE,                                                    \
                                          NAME,                                                               \
                                          VERSION,                                                            \
                                          DESCRIPTION,                                                        \
                                          fields.data(),                                                      \
                                          fields.size(),                                                      \
                                          &api,                                                               \
                                          nullptr};                                                           \
    return ::etl::detail::entry(host_abi_version, plugin, out_plugin, err);                                   \
  }

/// Defines the entry point of a sink plugin implemented by class `Class` (an etl::Sink).
#define ETL_DEFINE_SINK_PLUGIN(Class, NAME, VERSION, DESCRIPTION, FIELDS)                                     \
  extern "C" ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, \
                                                    etl_error* err) {                                         \
    static constexpr auto fields = ::etl::detail::pointers_to(FIELDS);                                        \
    static constexpr etl_sink_api api = {ETL_STRUCT_SIZE(etl_sink_api),                                       \
                                         &::etl::detail::create<Class>,                                       \
                                         &::etl::detail::SinkCallbacks<Class>::restore,                       \
                                         &::etl::detail::SinkCallbacks<Class>::write,                         \
                                         &::etl::detail::SinkCallbacks<Class>::checkpoint,                    \
                                         &::etl::detail::SinkCallbacks<Class>::flush,                         \
                                         &::etl::detail::destroy<Class>,                                      \
                                         &::etl::detail::SinkCallbacks<Class>::acknowledged,                  \
                                         &::etl::detail::SinkCallbacks<Class>::finish,                        \
                                         &::etl::detail::SinkCallbacks<Class>::identity,                      \
                                         ::etl::detail::sink_reset_callback<Class>()};                        \
    static constexpr etl_plugin plugin = {ETL_STRUCT_SIZE(etl_plugin),                                        \
                                          ETL_ABI_VERSION,                                                    \
                                          ETL_KIND_SINK,                                                      \
                                          NAME,                                                               \
                                          VERSION,                                                            \
                                          DESCRIPTION,                                                        \
                                          fields.data(),                                                      \
                                          fields.size(),                                                      \
                                          nullptr,                                                            \
                                          &api};                                                              \
    return ::etl::detail::entry(host_abi_version, plugin, out_plugin, err);                                   \
  }

#endif  // ETLHOST_PLUGIN_HPP
