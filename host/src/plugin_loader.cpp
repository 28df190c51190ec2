#include "plugin_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <set>

#include <nlohmann/json.hpp>

#include "exit_codes.h"
#include "exit_guard.h"
#include "host_error.h"
#include "text_util.h"

namespace etlhost {

const char* kind_name(PluginKind kind) { return kind == PluginKind::kSource ? "source" : "sink"; }

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw HostError(exit_code::kPluginLoad, "cannot load plugin " + path + ": " + problem);
}

std::string abi_string(uint32_t version) {
  return std::to_string(ETL_ABI_VERSION_MAJOR(version)) + "." + std::to_string(ETL_ABI_VERSION_MINOR(version));
}

std::string quoted_or_null(const char* text) {
  return text == nullptr ? std::string("NULL") : "'" + abbreviate(text, excerpt::kName) + "'";
}

ConfigField validate_field(const etl_config_field* field, size_t index, const std::string& path) {
  const std::string where = "config field #" + std::to_string(index);
  if (field == nullptr) fail(path, where + " is NULL");
  if (field->struct_size < ETL_CONFIG_FIELD_SIZE_1_0) {
    fail(path, where + " has struct_size " + std::to_string(field->struct_size) + ", expected at least " +
                   std::to_string(ETL_CONFIG_FIELD_SIZE_1_0) + " (ABI 1.0)");
  }
  // Every field read below lies within ETL_CONFIG_FIELD_SIZE_1_0, checked above.
  if (field->key == nullptr || !is_config_key(field->key)) {
    fail(path, where + " has key " + quoted_or_null(field->key) + ", expected [a-z0-9_]+");
  }
  ConfigField out;
  out.key = field->key;
  const std::string named = "config key '" + out.key + "'";
  if (!is_known_config_type(field->type)) {
    fail(path, named + " has unknown type " + std::to_string(field->type) +
                   ", expected ETL_CONFIG_STRING, _INTEGER, _NUMBER, _BOOLEAN or _JSON");
  }
  out.type = field->type;
  // Unknown flag bits are ignored: a later minor version may add flags a 1.0 host cannot act on.
  out.required = (field->flags & ETL_CONFIG_REQUIRED) != 0;
  out.secret = (field->flags & ETL_CONFIG_SECRET) != 0;
  if (field->default_json != nullptr) {
    const auto value = nlohmann::ordered_json::parse(field->default_json, nullptr, false);
    if (value.is_discarded()) {
      fail(path, named + " has a default that is not valid JSON: " + quoted_or_null(field->default_json));
    }
    if (!json_matches_config_type(value, out.type)) {
      fail(path, named + " is of type " + config_type_name(out.type) + " but its default is " +
                     describe_json_type(value, out.type));
    }
    out.default_json = field->default_json;
  }
  if (field->env != nullptr && field->env[0] != '\0') out.env = field->env;
  if (field->help != nullptr) out.help = field->help;
  return out;
}

// The callback tables: present, at least 1.0-sized, required callbacks set.
void validate_source_api(const etl_source_api* api, const std::string& path) {
  if (api == nullptr) fail(path, "it declares kind source but its source callback table is NULL");
  if (api->struct_size < ETL_SOURCE_API_SIZE_1_0) {
    fail(path, "its source callback table has struct_size " + std::to_string(api->struct_size) +
                   ", expected at least " + std::to_string(ETL_SOURCE_API_SIZE_1_0) + " (ABI 1.0)");
  }
  std::vector<std::string> missing;
  if (api->create == nullptr) missing.emplace_back("create");
  if (api->sync == nullptr) missing.emplace_back("sync");
  if (api->destroy == nullptr) missing.emplace_back("destroy");
  if (!missing.empty()) fail(path, "required source callbacks are NULL: " + join(missing, ", "));
}

void validate_sink_api(const etl_sink_api* api, const std::string& path) {
  if (api == nullptr) fail(path, "it declares kind sink but its sink callback table is NULL");
  if (api->struct_size < ETL_SINK_API_SIZE_1_0) {
    fail(path, "its sink callback table has struct_size " + std::to_string(api->struct_size) + ", expected at least " +
                   std::to_string(ETL_SINK_API_SIZE_1_0) + " (ABI 1.0)");
  }
  std::vector<std::string> missing;
  if (api->create == nullptr) missing.emplace_back("create");
  if (api->write == nullptr) missing.emplace_back("write");
  if (api->flush == nullptr) missing.emplace_back("flush");
  if (api->destroy == nullptr) missing.emplace_back("destroy");
  if (!missing.empty()) fail(path, "required sink callbacks are NULL: " + join(missing, ", "));
}

}  // namespace

std::string LoadedPlugin::abi_text() const { return abi_string(abi_version_); }

std::shared_ptr<LoadedPlugin> LoadedPlugin::load(const std::string& path, const std::string& expected_name) {
  std::shared_ptr<LoadedPlugin> plugin(new LoadedPlugin());
  plugin->path_ = path;
  // RTLD_NOW: an unresolved symbol fails here, not in the middle of a run.
  // RTLD_LOCAL: a plugin's symbols never interpose on another plugin's.
  {
    const PluginCallScope scope(plugin->path_, "dlopen() (its static constructors)", PluginCallSubject::kFile);
    plugin->handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  }
  if (plugin->handle_ == nullptr) {
    const char* reason = ::dlerror();
    fail(path, reason != nullptr ? reason : "dlopen failed");
  }
  ::dlerror();  // clear, so a NULL symbol can be told from a missing one
  void* symbol = ::dlsym(plugin->handle_, ETL_PLUGIN_ENTRY_SYMBOL);
  if (symbol == nullptr) {
    fail(path, "it does not export " ETL_PLUGIN_ENTRY_SYMBOL
               " (is it an etlhost plugin? plugins are built with etlhost_add_plugin)");
  }
  etl_plugin_entry_fn entry = nullptr;
  static_assert(sizeof entry == sizeof symbol);
  std::memcpy(&entry, &symbol, sizeof entry);  // POSIX: object pointer -> function pointer

  etl_error error{};
  error.struct_size = ETL_STRUCT_SIZE(etl_error);
  const etl_plugin* descriptor = nullptr;
  etl_status status = ETL_OK;
  {
    const PluginCallScope scope(plugin->path_, ETL_PLUGIN_ENTRY_SYMBOL "()", PluginCallSubject::kFile);
    status = entry(ETL_ABI_VERSION, &descriptor, &error);
  }
  error.message[ETL_ERROR_MESSAGE_CAPACITY - 1] = '\0';
  if (status != ETL_OK) {
    fail(path, "its entry point refused to load (" + status_name(normalize_status(status)) +
                   "): " + (error.message[0] != '\0' ? error.message : "(no message)"));
  }
  if (descriptor == nullptr) fail(path, "its entry point returned ETL_OK but no descriptor");
  plugin->validate(descriptor, expected_name);
  return plugin;
}

std::shared_ptr<LoadedPlugin> LoadedPlugin::from_descriptor(const etl_plugin* descriptor, const std::string& origin) {
  std::shared_ptr<LoadedPlugin> plugin(new LoadedPlugin());
  plugin->path_ = origin;
  if (descriptor == nullptr) fail(origin, "no descriptor");
  plugin->validate(descriptor, "");
  return plugin;
}

void LoadedPlugin::validate(const etl_plugin* descriptor, const std::string& expected_name) {
  descriptor_ = descriptor;
  if (descriptor->struct_size < ETL_PLUGIN_SIZE_1_0) {
    fail(path_, "its descriptor has struct_size " + std::to_string(descriptor->struct_size) + ", expected at least " +
                    std::to_string(ETL_PLUGIN_SIZE_1_0) + " (ABI 1.0)");
  }
  // From here on every 1.0 field of the descriptor lies within its struct_size.
  abi_version_ = descriptor->abi_version;
  if (ETL_ABI_VERSION_MAJOR(abi_version_) != ETL_ABI_MAJOR) {
    fail(path_, "it was built for plugin ABI " + abi_string(abi_version_) + "; this etlhost speaks " +
                    abi_string(ETL_ABI_VERSION) + ". Rebuild the plugin against a matching SDK.");
  }
  if (descriptor->name == nullptr || !is_plugin_name(descriptor->name)) {
    fail(path_, "its descriptor has name " + quoted_or_null(descriptor->name) + ", expected [a-z0-9_-]+");
  }
  name_ = descriptor->name;
  if (!expected_name.empty() && name_ != expected_name) {
    fail(path_, "the file is named for plugin '" + expected_name + "' but its descriptor says '" + name_ +
                    "'; rename the file to " + plugin_file_name(name_));
  }
  version_ = descriptor->version != nullptr ? descriptor->version : "";
  description_ = descriptor->description != nullptr ? descriptor->description : "";

  if (descriptor->kind == ETL_KIND_SOURCE) {
    kind_ = PluginKind::kSource;
    if (descriptor->sink != nullptr) fail(path_, "it declares kind source but also has a sink callback table");
    validate_source_api(descriptor->source, path_);
    source_ = descriptor->source;
    // Fields beyond the plugin's struct_size count as NULL (plugin.h, section 2).
    if (ETL_HAS_FIELD(source_, etl_source_api, check)) source_check_ = source_->check;
    if (ETL_HAS_FIELD(source_, etl_source_api, identity)) source_identity_ = source_->identity;
    if (ETL_HAS_FIELD(source_, etl_source_api, plan)) source_plan_ = source_->plan;
  } else if (descriptor->kind == ETL_KIND_SINK) {
    kind_ = PluginKind::kSink;
    if (descriptor->source != nullptr) fail(path_, "it declares kind sink but also has a source callback table");
    validate_sink_api(descriptor->sink, path_);
    sink_ = descriptor->sink;
    // Fields beyond the plugin's struct_size count as NULL (plugin.h, section 2).
    if (ETL_HAS_FIELD(sink_, etl_sink_api, acknowledged)) sink_acknowledged_ = sink_->acknowledged;
    if (ETL_HAS_FIELD(sink_, etl_sink_api, finish)) sink_finish_ = sink_->finish;
    if (ETL_HAS_FIELD(sink_, etl_sink_api, identity)) sink_identity_ = sink_->identity;
    if (ETL_HAS_FIELD(sink_, etl_sink_api, reset)) sink_reset_ = sink_->reset;
  } else {
    fail(path_, "its descriptor has unknown kind " + std::to_string(descriptor->kind) +
                    ", expected ETL_KIND_SOURCE (1) or ETL_KIND_SINK (2)");
  }

  if (descriptor->config_field_count > 0 && descriptor->config_fields == nullptr) {
    fail(path_, "its descriptor has config_field_count " + std::to_string(descriptor->config_field_count) +
                    " but config_fields is NULL");
  }
  if (descriptor->config_field_count > 10000) {
    fail(path_,
         "its descriptor has an implausible config_field_count " + std::to_string(descriptor->config_field_count));
  }
  std::set<std::string> keys;
  for (size_t i = 0; i < descriptor->config_field_count; ++i) {
    ConfigField field = validate_field(descriptor->config_fields[i], i, path_);
    if (!keys.insert(field.key).second) fail(path_, "config key '" + field.key + "' is declared twice");
    fields_.push_back(std::move(field));
  }
}

LoadedPlugin::~LoadedPlugin() {
  if (handle_ == nullptr) return;
  const PluginCallScope scope(path_, "dlclose() (its static destructors)", PluginCallSubject::kFile);
  ::dlclose(handle_);
}

namespace {

std::string not_found_message(const std::string& name, const SearchResult& search, const std::vector<SearchDir>& dirs) {
  std::string message = "plugin '" + name + "' not found";
  if (const auto suggestion = did_you_mean(name, installed_plugin_names(dirs))) {
    message += " (did you mean '" + *suggestion + "'?)";
  }
  if (search.tried.empty()) {
    message += "; the plugin search path is empty";
  } else {
    message += "; looked for:";
    for (const std::string& tried : search.tried) message += "\n  " + tried;
  }
  message += "\nRun `etlhost plugins` to list installed plugins; add directories with --plugin-path "
             "or ETLHOST_PLUGIN_PATH, or pass a path to the .so file.";
  return message;
}

std::vector<const etl_plugin*>& builtin_plugins() {
  static std::vector<const etl_plugin*> plugins;
  return plugins;
}

}  // namespace

void register_builtin_plugin(const etl_plugin* descriptor) { builtin_plugins().push_back(descriptor); }

std::shared_ptr<LoadedPlugin> load_plugin(const std::string& argument, std::optional<PluginKind> role,
                                          const std::vector<SearchDir>& dirs) {
  std::shared_ptr<LoadedPlugin> plugin;
  const auto& builtins = builtin_plugins();
  const auto builtin = std::find_if(builtins.begin(), builtins.end(), [&](const etl_plugin* descriptor) {
    return descriptor->name != nullptr && argument == descriptor->name;
  });
  if (builtin != builtins.end()) {
    plugin = LoadedPlugin::from_descriptor(*builtin, "(built into etlhost)");
  } else if (looks_like_plugin_path(argument)) {
    plugin = LoadedPlugin::load(argument, "");
  } else {
    if (!is_plugin_name(argument)) {
      throw HostError(exit_code::kPluginLoad, "'" + argument +
                                                  "' is not a plugin name ([a-z0-9_-]+) nor a path to a "
                                                  ".so file (a path contains '/' or ends in .so)");
    }
    const SearchResult search = find_plugin(argument, dirs);
    if (!search.path) throw HostError(exit_code::kPluginLoad, not_found_message(argument, search, dirs));
    plugin = LoadedPlugin::load(*search.path, argument);
  }
  if (role && plugin->kind() != *role) {
    throw HostError(exit_code::kPluginLoad, "plugin '" + plugin->name() + "' (" + plugin->path() + ") is a " +
                                                kind_name(plugin->kind()) + " and cannot be used as the " +
                                                kind_name(*role) + "; a run is `etlhost run SOURCE '->' SINK`");
  }
  return plugin;
}

}  // namespace etlhost
