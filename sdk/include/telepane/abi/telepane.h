/* Telepane plugin ABI: every ABI header in one include. */
#ifndef TELEPANE_ABI_TELEPANE_H
#define TELEPANE_ABI_TELEPANE_H
#include "tp_auth.h"
#include "tp_capture.h"
#include "tp_codec.h"
#include "tp_crypto.h"
#include "tp_frontend.h"
#include "tp_host.h"
#include "tp_media.h"
#include "tp_plugin.h"
#include "tp_recorder.h"
#include "tp_registry.h"
#include "tp_service.h"
#include "tp_transport.h"
#include "tp_types.h"
#endif
