// fullstory_version.h: the plugin's own version, shared by the descriptor and the default User-Agent.
#pragma once

#define ETL_FULLSTORY_VERSION "1.0.0"
