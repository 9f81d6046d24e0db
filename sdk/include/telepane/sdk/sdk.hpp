// Telepane SDK: everything a C++ plugin needs in one include.
#pragma once
#include <telepane/abi/telepane.h>
#include <telepane/sdk/capture.hpp>
#include <telepane/sdk/codec.hpp>
#include <telepane/sdk/host.hpp>
#include <telepane/sdk/media.hpp>
#include <telepane/sdk/plugin.hpp>
#include <telepane/sdk/status.hpp>
