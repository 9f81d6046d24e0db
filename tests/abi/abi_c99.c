/* Every ABI header compiles as strict C99 on its own and all together: a plugin may be written in C. */
#include <telepane/abi/telepane.h>
#include <telepane/abi/tp_auth.h>
#include <telepane/abi/tp_capture.h>
#include <telepane/abi/tp_codec.h>
#include <telepane/abi/tp_crypto.h>
#include <telepane/abi/tp_frontend.h>
#include <telepane/abi/tp_host.h>
#include <telepane/abi/tp_media.h>
#include <telepane/abi/tp_plugin.h>
#include <telepane/abi/tp_registry.h>
#include <telepane/abi/tp_service.h>
#include <telepane/abi/tp_transport.h>
#include <telepane/abi/tp_types.h>

int main(void) {
  tp_plugin_desc desc = {0};
  desc.struct_size = (uint32_t)sizeof desc;
  return desc.abi_major == 0 ? 0 : 1;
}
