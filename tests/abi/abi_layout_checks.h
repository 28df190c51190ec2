/*
 * The frozen layout of ABI 1.0 (and what 1.1 and 1.2 appended) on LP64 platforms (x86_64, aarch64 Linux), checked at
 * compile time in C (abi_layout_c.c) and in C++ (abi_layout_cpp.cpp).
 *
 * If one of these fails, a change broke binary compatibility with plugins already built:
 * revert it, or append the field at the end of the struct and bump ETL_ABI_MINOR. Never
 * edit a number here to make the build pass.
 */
#ifndef ETLHOST_ABI_LAYOUT_CHECKS_H
#define ETLHOST_ABI_LAYOUT_CHECKS_H

#include <stddef.h>

#include "etlhost/plugin.h"

#ifdef __cplusplus
#define ABI_ASSERT(condition, what) static_assert(condition, what)
#else
#define ABI_ASSERT(condition, what) _Static_assert(condition, what)
#endif

#define ABI_FIELD(type, field, offset) ABI_ASSERT(offsetof(type, field) == (offset), #type "." #field " moved")

ABI_ASSERT(sizeof(void*) == 8 && sizeof(size_t) == 8, "these numbers are for LP64 platforms");

/* Versions and constants: their values are part of the ABI. */
ABI_ASSERT(ETL_ABI_MAJOR == 1, "ABI major");
ABI_ASSERT(ETL_ABI_VERSION == 0x10000u + ETL_ABI_MINOR, "ABI version encoding");
ABI_ASSERT(ETL_OK == 0 && ETL_E_UNKNOWN == 1 && ETL_E_NOT_IMPLEMENTED == 2 && ETL_E_INVALID_ARGUMENT == 3 &&
               ETL_E_INVALID_STATE == 4 && ETL_E_INVALID_DATA == 5 && ETL_E_IO == 6 && ETL_E_UNAUTHENTICATED == 7 &&
               ETL_E_PERMISSION_DENIED == 8 && ETL_E_NOT_FOUND == 9 && ETL_E_RATE_LIMITED == 10 &&
               ETL_E_TIMEOUT == 11 && ETL_E_CANCELLED == 12 && ETL_E_CLOSED == 13 && ETL_E_ABI_MISMATCH == 14 &&
               ETL_E_INTERNAL == 15,
           "status codes");
ABI_ASSERT(ETL_MSG_SCHEMA == 1 && ETL_MSG_RECORD == 2 && ETL_MSG_STATE == 3, "message kinds");
ABI_ASSERT(ETL_KIND_SOURCE == 1 && ETL_KIND_SINK == 2, "plugin kinds");
ABI_ASSERT(ETL_CONFIG_STRING == 1 && ETL_CONFIG_INTEGER == 2 && ETL_CONFIG_NUMBER == 3 && ETL_CONFIG_BOOLEAN == 4 &&
               ETL_CONFIG_JSON == 5,
           "config types");
ABI_ASSERT(ETL_CONFIG_REQUIRED == 1 && ETL_CONFIG_SECRET == 2, "config flags");
ABI_ASSERT(ETL_LOG_ERROR == 1 && ETL_LOG_WARN == 2 && ETL_LOG_INFO == 3 && ETL_LOG_DEBUG == 4, "log levels");
ABI_ASSERT(ETL_ERROR_MESSAGE_CAPACITY == 1024, "error message capacity");

/* etl_str */
ABI_ASSERT(sizeof(etl_str) == 16, "etl_str size");
ABI_FIELD(etl_str, data, 0);
ABI_FIELD(etl_str, size, 8);

/* etl_error */
ABI_ASSERT(ETL_ERROR_SIZE_1_0 == 1036, "etl_error 1.0 size");
ABI_FIELD(etl_error, struct_size, 0);
ABI_FIELD(etl_error, code, 4);
ABI_FIELD(etl_error, detail, 8);
ABI_FIELD(etl_error, message, 12);

/* etl_host_api */
ABI_ASSERT(ETL_HOST_API_SIZE_1_0 == 40, "etl_host_api 1.0 size");
ABI_FIELD(etl_host_api, struct_size, 0);
ABI_FIELD(etl_host_api, abi_version, 4);
ABI_FIELD(etl_host_api, host_ctx, 8);
ABI_FIELD(etl_host_api, log, 16);
ABI_FIELD(etl_host_api, is_cancelled, 24);
ABI_FIELD(etl_host_api, count, 32);

/* etl_message */
ABI_ASSERT(ETL_MESSAGE_SIZE_1_0 == 48, "etl_message 1.0 size");
ABI_FIELD(etl_message, struct_size, 0);
ABI_FIELD(etl_message, kind, 4);
ABI_FIELD(etl_message, stream, 8);
ABI_FIELD(etl_message, json, 24);
ABI_FIELD(etl_message, time_extracted_ms, 40);

/* etl_emitter */
ABI_ASSERT(ETL_EMITTER_SIZE_1_0 == 24, "etl_emitter 1.0 size");
ABI_FIELD(etl_emitter, struct_size, 0);
ABI_FIELD(etl_emitter, host_ctx, 8);
ABI_FIELD(etl_emitter, emit, 16);

/* etl_config_field */
ABI_ASSERT(ETL_CONFIG_FIELD_SIZE_1_0 == 48, "etl_config_field 1.0 size");
ABI_FIELD(etl_config_field, struct_size, 0);
ABI_FIELD(etl_config_field, type, 4);
ABI_FIELD(etl_config_field, flags, 8);
ABI_FIELD(etl_config_field, key, 16);
ABI_FIELD(etl_config_field, default_json, 24);
ABI_FIELD(etl_config_field, env, 32);
ABI_FIELD(etl_config_field, help, 40);

/* etl_source_api */
ABI_ASSERT(ETL_SOURCE_API_SIZE_1_0 == 40, "etl_source_api 1.0 size");
ABI_FIELD(etl_source_api, struct_size, 0);
ABI_FIELD(etl_source_api, create, 8);
ABI_FIELD(etl_source_api, discover, 16);
ABI_FIELD(etl_source_api, sync, 24);
ABI_FIELD(etl_source_api, destroy, 32);

/* etl_sink_api */
ABI_ASSERT(ETL_SINK_API_SIZE_1_0 == 56, "etl_sink_api 1.0 size");
ABI_FIELD(etl_sink_api, struct_size, 0);
ABI_FIELD(etl_sink_api, create, 8);
ABI_FIELD(etl_sink_api, restore, 16);
ABI_FIELD(etl_sink_api, write, 24);
ABI_FIELD(etl_sink_api, checkpoint, 32);
ABI_FIELD(etl_sink_api, flush, 40);
ABI_FIELD(etl_sink_api, destroy, 48);
/* 1.1 appended (the frozen 1.0 header, checked too, has none of it) */
#if ETL_ABI_MINOR >= 1
ABI_ASSERT(ETL_E_DOWNSTREAM == 16, "1.1 status codes");
ABI_ASSERT(ETL_SINK_API_SIZE_1_1 == 72, "etl_sink_api 1.1 size");
ABI_FIELD(etl_sink_api, acknowledged, 56);
ABI_FIELD(etl_sink_api, finish, 64);
ABI_ASSERT(ETL_FINISH_ABORTED == 1, "finish flags");
#endif
/* 1.2 appended */
#if ETL_ABI_MINOR >= 2
ABI_ASSERT(ETL_HOST_API_SIZE_1_2 == 64, "etl_host_api 1.2 size");
ABI_FIELD(etl_host_api, plan, 40);
ABI_FIELD(etl_host_api, activity, 48);
ABI_FIELD(etl_host_api, report_unit, 56);
ABI_ASSERT(ETL_ACTIVITY_WORKING == 1 && ETL_ACTIVITY_WAITING == 2 && ETL_ACTIVITY_RETRYING == 3, "activities");
ABI_ASSERT(ETL_SOURCE_API_SIZE_1_2 == 64, "etl_source_api 1.2 size");
ABI_FIELD(etl_source_api, check, 40);
ABI_FIELD(etl_source_api, identity, 48);
ABI_FIELD(etl_source_api, plan, 56);
ABI_ASSERT(ETL_SINK_API_SIZE_1_2 == 88, "etl_sink_api 1.2 size");
ABI_FIELD(etl_sink_api, identity, 72);
ABI_FIELD(etl_sink_api, reset, 80);
#endif

/* etl_plugin */
ABI_ASSERT(ETL_PLUGIN_SIZE_1_0 == 72, "etl_plugin 1.0 size");
ABI_FIELD(etl_plugin, struct_size, 0);
ABI_FIELD(etl_plugin, abi_version, 4);
ABI_FIELD(etl_plugin, kind, 8);
ABI_FIELD(etl_plugin, name, 16);
ABI_FIELD(etl_plugin, version, 24);
ABI_FIELD(etl_plugin, description, 32);
ABI_FIELD(etl_plugin, config_fields, 40);
ABI_FIELD(etl_plugin, config_field_count, 48);
ABI_FIELD(etl_plugin, source, 56);
ABI_FIELD(etl_plugin, sink, 64);

#endif /* ETLHOST_ABI_LAYOUT_CHECKS_H */
