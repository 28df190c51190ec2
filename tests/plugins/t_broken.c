/*
 * Broken plugins for the loader's error paths, one per build of this file (the variant is
 * chosen by a compile definition in CMakeLists.txt):
 *   T_NO_ENTRY          exports no etl_plugin_entry at all
 *   T_ABI2              claims plugin ABI 2.0
 *   T_NO_WRITE          a sink whose write callback is NULL
 *   T_MISNAMED          file etl-t-misnamed.so, descriptor name "someone-else"
 *   T_BAD_DEFAULT       an integer key whose default is a string
 *   T_DUPLICATE_KEY     the same config key twice
 *   T_ENTRY_REFUSES     the entry point returns ETL_E_ABI_MISMATCH with a message
 *   T_EXIT_IN_CONSTRUCTOR  a static constructor calls exit(0), so dlopen() itself ends the
 *                       process: the host must report it (exit 1, naming the file) instead
 *                       of exiting 0, and `etlhost plugins` must list it as broken and go on
 */
#include "fixture.h"

/* Each variant uses some of these callbacks. */
#define UNUSED_OK __attribute__((unused))

UNUSED_OK static etl_status noop_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  (void)host;
  (void)config;
  (void)err;
  static int instance;
  *out_self = &instance;
  return ETL_OK;
}
UNUSED_OK static etl_status noop_sync(void* self, etl_str catalog, etl_str state, const etl_emitter* emitter,
                                      etl_error* err) {
  (void)self;
  (void)catalog;
  (void)state;
  (void)emitter;
  (void)err;
  return ETL_OK;
}
UNUSED_OK static etl_status noop_flush(void* self, etl_error* err) {
  (void)self;
  (void)err;
  return ETL_OK;
}
UNUSED_OK static void noop_destroy(void* self) { (void)self; }

#if defined(T_EXIT_IN_CONSTRUCTOR)
__attribute__((constructor)) static void exit_while_loading(void) { exit(0); }
#endif

#if defined(T_NO_ENTRY)

/* Something to link; deliberately not the entry point. */
ETL_EXPORT int t_not_an_entry(void) { return 42; }

#else

#if defined(T_BAD_DEFAULT)
static const etl_config_field kCount = {
    ETL_STRUCT_SIZE(etl_config_field),  ETL_CONFIG_INTEGER, 0, "count", "\"ten\"", NULL,
    "An integer with a string default."};
static const etl_config_field* const kFields[] = {&kCount};
#define FIELD_COUNT 1
#elif defined(T_DUPLICATE_KEY)
static const etl_config_field kCount = {
    ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_INTEGER, 0, "count", "1", NULL, "Declared twice."};
static const etl_config_field* const kFields[] = {&kCount, &kCount};
#define FIELD_COUNT 2
#else
static const etl_config_field* const* const kFields = NULL;
#define FIELD_COUNT 0
#endif

#if defined(T_NO_WRITE)
static const etl_sink_api kSinkApi = {
    ETL_STRUCT_SIZE(etl_sink_api), noop_create, NULL, NULL, NULL, noop_flush, noop_destroy, NULL, NULL, NULL, NULL};
#define KIND ETL_KIND_SINK
#define SOURCE_API NULL
#define SINK_API (&kSinkApi)
#else
static const etl_source_api kSourceApi = {
    ETL_STRUCT_SIZE(etl_source_api), noop_create, NULL, noop_sync, noop_destroy, NULL, NULL, NULL};
#define KIND ETL_KIND_SOURCE
#define SOURCE_API (&kSourceApi)
#define SINK_API NULL
#endif

#if defined(T_ABI2)
#define ABI ((2u << 16) | 0u)
#else
#define ABI ETL_ABI_VERSION
#endif

#if defined(T_MISNAMED)
#define NAME "someone-else"
#else
#define NAME T_NAME
#endif

UNUSED_OK static const etl_plugin kPlugin = {
    ETL_STRUCT_SIZE(etl_plugin),      ABI,     KIND,        NAME,       "0.0.1",
    "Test fixture: a broken plugin.", kFields, FIELD_COUNT, SOURCE_API, SINK_API};

ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, etl_error* err) {
  (void)host_abi_version;
#if defined(T_ENTRY_REFUSES)
  (void)out_plugin;
  return etl_set_error(err, ETL_E_ABI_MISMATCH, 0, "t-entry-refuses speaks ABI major 9, the host speaks major %u",
                       (unsigned)ETL_ABI_VERSION_MAJOR(host_abi_version));
#else
  (void)err;
  *out_plugin = &kPlugin;
  return ETL_OK;
#endif
}

#endif
