/*
 * t-exitctor: a source whose static constructor calls exit(0), so dlopen() itself ends the
 * process. The host must report it (exit 1, naming the file) instead of exiting 0, and
 * `etlhost plugins` must list it as broken and go on with the other files.
 */
#include "fixture.h"

__attribute__((constructor)) static void exit_while_loading(void) { exit(0); }

static etl_status never_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  (void)host;
  (void)config;
  (void)out_self;
  return etl_set_error(err, ETL_E_INTERNAL, 0, "t-exitctor: never loaded, so never created");
}
static etl_status never_sync(void* self, etl_str catalog, etl_str state, const etl_emitter* emitter, etl_error* err) {
  (void)self;
  (void)catalog;
  (void)state;
  (void)emitter;
  return etl_set_error(err, ETL_E_INTERNAL, 0, "t-exitctor: never loaded, so never synced");
}
static void never_destroy(void* self) { (void)self; }

static const etl_source_api kApi = {ETL_STRUCT_SIZE(etl_source_api), never_create, NULL, never_sync, never_destroy};
static const etl_plugin kPlugin = {ETL_STRUCT_SIZE(etl_plugin),
                                   ETL_ABI_VERSION,
                                   ETL_KIND_SOURCE,
                                   "t-exitctor",
                                   "0.0.1",
                                   "Test fixture: exit(0) in a static constructor.",
                                   NULL,
                                   0,
                                   &kApi,
                                   NULL};

ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, etl_error* err) {
  (void)host_abi_version;
  (void)err;
  *out_plugin = &kPlugin;
  return ETL_OK;
}
