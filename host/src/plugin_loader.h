// Loading a plugin: dlopen, the entry point, and a strict validation of the descriptor,
// so everything later code reads from a plugin (names, callbacks, the config spec) is
// known to be there and well-formed. A failure names the file and exits 4.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config_spec.h"
#include "etlhost/plugin.h"
#include "plugin_search.h"

namespace etlhost {

enum class PluginKind { kSource, kSink };

using SinkAcknowledgedFn = decltype(etl_sink_api::acknowledged);
using SinkFinishFn = decltype(etl_sink_api::finish);
using SinkIdentityFn = decltype(etl_sink_api::identity);
using SinkResetFn = decltype(etl_sink_api::reset);
using SourceCheckFn = decltype(etl_source_api::check);
using SourceIdentityFn = decltype(etl_source_api::identity);
using SourcePlanFn = decltype(etl_source_api::plan);

/// "source" / "sink".
const char* kind_name(PluginKind kind);

/// One loaded, validated plugin library. Owns the dlopen handle: dlclose runs in the
/// destructor. Instances (plugin_instance.h) hold a shared_ptr to it, so the library
/// outlives every instance created from it.
class LoadedPlugin {
 public:
  /// dlopen(RTLD_NOW | RTLD_LOCAL) + entry + validation. `expected_name` is the name the
  /// user asked for (the descriptor must carry it), or empty when loaded by path.
  /// Throws HostError(exit 4) naming the file.
  static std::shared_ptr<LoadedPlugin> load(const std::string& path, const std::string& expected_name);

  /// A plugin whose descriptor lives in this process (compiled into the host, or a wrapper
  /// around a loaded plugin's callbacks), validated exactly as load() validates a library.
  /// `origin` stands in for the path in messages. There is no library to dlclose.
  /// Throws HostError(exit 4).
  static std::shared_ptr<LoadedPlugin> from_descriptor(const etl_plugin* descriptor, const std::string& origin);

  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& description() const { return description_; }
  const std::string& path() const { return path_; }
  PluginKind kind() const { return kind_; }
  uint32_t abi_version() const { return abi_version_; }
  /// "1.0".
  std::string abi_text() const;
  const std::vector<ConfigField>& config_fields() const { return fields_; }

  /// Non-null exactly when kind() is kSource / kSink; every required callback is set.
  const etl_source_api* source_api() const { return source_; }
  const etl_sink_api* sink_api() const { return sink_; }
  /// The 1.1 sink callbacks, NULL when the plugin's table is too short to hold them (a 1.0
  /// sink) or leaves them NULL. Never read them from sink_api() directly.
  SinkAcknowledgedFn sink_acknowledged() const { return sink_acknowledged_; }
  SinkFinishFn sink_finish() const { return sink_finish_; }
  /// The 1.2 callbacks, by the same rule.
  SinkIdentityFn sink_identity() const { return sink_identity_; }
  SinkResetFn sink_reset() const { return sink_reset_; }
  SourceCheckFn source_check() const { return source_check_; }
  SourceIdentityFn source_identity() const { return source_identity_; }
  SourcePlanFn source_plan() const { return source_plan_; }
  /// The descriptor the entry point returned (static in the plugin).
  const etl_plugin* descriptor() const { return descriptor_; }

 private:
  LoadedPlugin() = default;
  void validate(const etl_plugin* descriptor, const std::string& expected_name);

  void* handle_ = nullptr;
  std::string path_;
  std::string name_;
  std::string version_;
  std::string description_;
  PluginKind kind_ = PluginKind::kSource;
  uint32_t abi_version_ = 0;
  std::vector<ConfigField> fields_;
  const etl_source_api* source_ = nullptr;
  const etl_sink_api* sink_ = nullptr;
  SinkAcknowledgedFn sink_acknowledged_ = nullptr;
  SinkFinishFn sink_finish_ = nullptr;
  SinkIdentityFn sink_identity_ = nullptr;
  SinkResetFn sink_reset_ = nullptr;
  SourceCheckFn source_check_ = nullptr;
  SourceIdentityFn source_identity_ = nullptr;
  SourcePlanFn source_plan_ = nullptr;
  const etl_plugin* descriptor_ = nullptr;
};

/// Makes a plugin compiled into the host loadable by its name (load_plugin checks these
/// first). Only the conformance kit registers one, in its hidden run mode, so a built-in
/// never shows up in `etlhost plugins` or in a normal run. `descriptor` must be static.
void register_builtin_plugin(const etl_plugin* descriptor);

/// Resolves a SRC/SINK argument (a name, or a path when it contains '/' or ends in .so),
/// loads it and checks it can play `role` (when given). A name that is not found gives an
/// error listing every path tried, with a did-you-mean among installed plugins.
/// Throws HostError(exit 4).
std::shared_ptr<LoadedPlugin> load_plugin(const std::string& argument, std::optional<PluginKind> role,
                                          const std::vector<SearchDir>& dirs);

}  // namespace etlhost
